// C++ exception boundary for the Rust core (built by build.rs with the C++
// compiler). Rust's catch_unwind aborts when a foreign (C++) exception
// reaches it, so every place that catches Lua errors runs its body through
// ljrs_cxx_try: C++ exceptions are caught here and handed to Rust as an
// opaque std::exception_ptr, which Rust later either turns into the Lua
// error "C++ exception" or throws onward with ljrs_cxx_rethrow. Rust
// unwinds (Lua errors, yields) are foreign to C++ and pass through: they
// are rethrown unchanged.
#include <exception>
#include <new>

extern "C" {

typedef void (*ljrs_cxx_body)(void *data);

int ljrs_cxx_try(ljrs_cxx_body body, void *data, void **caught)
{
  try {
    body(data);
    return 0;
  } catch (...) {
    // current_exception() is empty for foreign exceptions.
    std::exception_ptr e = std::current_exception();
    if (!e) throw;
    *caught = new (std::nothrow) std::exception_ptr(e);
    return 1;
  }
}

// Throws the exception again (and releases the holder).
void ljrs_cxx_rethrow(void *caught)
{
  std::exception_ptr *holder = static_cast<std::exception_ptr *>(caught);
  std::exception_ptr e = *holder;
  delete holder;
  std::rethrow_exception(e);
}

void ljrs_cxx_free(void *caught)
{
  delete static_cast<std::exception_ptr *>(caught);
}

}
