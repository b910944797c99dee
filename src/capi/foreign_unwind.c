/*
** Protection boundary for exceptions of other languages (C++ above all),
** written against the Itanium unwinding ABI of libgcc_s/libgcc_eh only, so
** that neither the library nor a program linked with it needs a C++
** runtime (LuaJIT's static library needs only -lm -ldl, and so does ours).
**
** Rust's catch_unwind aborts when a foreign exception reaches it, so every
** place that catches Lua errors runs its body through ljrs_cxx_try. The
** frame of guarded_call carries its own personality routine (attached with
** a .cfi_personality directive): it lets Rust unwinds (Lua errors, yields)
** and forced unwinds (thread cancellation) pass, and stops every other
** exception there. The exception object then comes back to Rust as an
** opaque pointer, which Rust either turns into the Lua error
** "C++ exception" (ljrs_cxx_free) or raises again towards an outer C++
** catch (ljrs_cxx_rethrow).
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unwind.h>

#if !defined(__x86_64__) && !defined(__aarch64__)
/* guarded_call relies on the first exception data register being the
** register that holds a function's pointer result (rax, x0). */
#error "foreign_unwind.c: check the exception data register of this target"
#endif

typedef void (*ljrs_cxx_body)(void *data);

/* The exception class of Rust panics: the bytes "MOZ\0RUST" in memory
** order (Rust builds it with u64::from_ne_bytes). */
static const char rust_exception_class[8] = {'M', 'O', 'Z', 0, 'R', 'U', 'S', 'T'};
/* C++ exceptions of GCC's runtime: "GNUCC++" then 0 (thrown) or 1
** (dependent, from std::rethrow_exception), as a big-endian number (the
** way libstdc++ builds it). */
#define GNU_CXX_CLASS_PREFIX 0x474e5543432b2b00ULL
#define CLASS_PREFIX_MASK 0xffffffffffffff00ULL

/* The personality routine of guarded_call's frame. Search phase: claim
** every exception that is neither Rust's nor a forced unwind. Cleanup
** phase, in the claiming frame: resume right after the call that raised
** (its return address), with the exception object in the first exception
** data register, which is the pointer result register: guarded_call then
** sees its callee return the exception object. */
_Unwind_Reason_Code ljrs_foreign_personality(int version, _Unwind_Action actions,
                                             _Unwind_Exception_Class cls,
                                             struct _Unwind_Exception *exc,
                                             struct _Unwind_Context *ctx)
{
  if (version != 1) return _URC_FATAL_PHASE1_ERROR;
  if (memcmp(&cls, rust_exception_class, sizeof cls) == 0 || (actions & _UA_FORCE_UNWIND))
    return _URC_CONTINUE_UNWIND;
  if (actions & _UA_SEARCH_PHASE) return _URC_HANDLER_FOUND;
  if (actions & _UA_HANDLER_FRAME) {
    _Unwind_SetGR(ctx, __builtin_eh_return_data_regno(0), (_Unwind_Word)(uintptr_t)exc);
    _Unwind_SetIP(ctx, _Unwind_GetIP(ctx));
    return _URC_INSTALL_CONTEXT;
  }
  return _URC_CONTINUE_UNWIND;
}

/* What the CIE of guarded_call points at (encoding 0x9b: indirect,
** pc-relative, signed 4 bytes), so that .eh_frame needs no relocation. */
__attribute__((visibility("hidden")))
_Unwind_Reason_Code (*const ljrs_foreign_personality_ref)(int, _Unwind_Action,
  _Unwind_Exception_Class, struct _Unwind_Exception *, struct _Unwind_Context *) =
  ljrs_foreign_personality;

/* Calls body; returns NULL. Its own frame exists only to give guarded_call
** a call whose result register the personality can set. */
__attribute__((noinline)) static void *invoke(ljrs_cxx_body body, void *data)
{
  void *none = NULL;
  body(data);
  /* Hide the constant result from the caller's optimiser. */
  __asm__ volatile("" : "+r"(none));
  return none;
}

/* Returns NULL when body returned, else the foreign exception object. */
__attribute__((noinline)) static void *guarded_call(ljrs_cxx_body body, void *data)
{
  __asm__(".cfi_personality 0x9b, ljrs_foreign_personality_ref");
  void *exc = invoke(body, data);
  /* Keeps the call from becoming a tail call (this frame must exist while
  ** body runs) and its result opaque. */
  __asm__ volatile("" : "+r"(exc));
  return exc;
}

int ljrs_cxx_try(ljrs_cxx_body body, void *data, void **caught)
{
  void *exc = guarded_call(body, data);
  if (exc == NULL) return 0;
  *caught = exc;
  return 1;
}

/* Raises the exception again, from here. It was never caught by its own
** runtime, so its handlers see it as the same exception still in flight. */
void ljrs_cxx_rethrow(void *caught)
{
  struct _Unwind_Exception *exc = caught;
  _Unwind_RaiseException(exc);
  /* Only returns when nothing catches it: C++ terminates then. */
  fputs("uncaught C++ exception crossed Lua frames\n", stderr);
  abort();
}

/* C++ runtime entry points, weak: present when the program has the C++
** runtime (a C++ program, or a C program that loaded a C++ module), NULL
** otherwise. */
extern void *__cxa_begin_catch(void *exc) __attribute__((weak));
extern void __cxa_end_catch(void) __attribute__((weak));

/* Ends the exception's life after it became a Lua error. A C++ exception
** is caught and released through its runtime when the runtime is there, so
** that std::uncaught_exceptions() is right again and its destructor runs
** as after a catch (...); otherwise the unwinder's generic deletion. */
void ljrs_cxx_free(void *caught)
{
  struct _Unwind_Exception *exc = caught;
  if ((exc->exception_class & CLASS_PREFIX_MASK) == GNU_CXX_CLASS_PREFIX &&
      __cxa_begin_catch != NULL && __cxa_end_catch != NULL) {
    __cxa_begin_catch(exc);
    __cxa_end_catch();
  } else {
    _Unwind_DeleteException(exc);
  }
}
