-- Requires a missing module; the error names every path tried.
return require("pkgtest.missing_inner")
