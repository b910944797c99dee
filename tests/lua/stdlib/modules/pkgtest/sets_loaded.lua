-- A module that fills package.loaded itself and returns nothing.
package.loaded[...] = "set by the module"
