/* Preloaded into luajit by scripts/test-oom under an address-space limit:
** tells a SIGSEGV from a native stack that could not grow (the kernel
** refuses to extend the stack beyond RLIMIT_AS; no program can turn that
** into an error) from any other SIGSEGV, which is a bug. On a fault at or
** just below the stack pointer it prints a marker and exits with
** STACKGUARD_EXIT; other faults get the default action. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

#define STACKGUARD_EXIT 86
/* A push, a call or a frame's stack probe touches at most this far below
** the stack pointer. */
#define NEAR_BELOW (64 * 1024)

static char altstack[64 * 1024];

static uintptr_t stack_pointer(const ucontext_t *uc)
{
#if defined(__x86_64__)
  return (uintptr_t)uc->uc_mcontext.gregs[REG_RSP];
#elif defined(__aarch64__)
  return (uintptr_t)uc->uc_mcontext.sp;
#else
  (void)uc;
  return 0;
#endif
}

static void on_segv(int sig, siginfo_t *si, void *ctx)
{
  static const char msg[] = "stackguard: the native stack could not grow\n";
  uintptr_t sp = stack_pointer((const ucontext_t *)ctx);
  uintptr_t addr = (uintptr_t)si->si_addr;
  if (sp != 0 && addr <= sp + 256 && addr + NEAR_BELOW >= sp) {
    ssize_t r = write(2, msg, sizeof msg - 1);
    (void)r;
    _exit(STACKGUARD_EXIT);
  }
  /* Anything else: the default action when the fault repeats. */
  signal(sig, SIG_DFL);
}

__attribute__((constructor)) static void install(void)
{
  stack_t ss;
  struct sigaction sa;
  memset(&ss, 0, sizeof ss);
  ss.ss_sp = altstack;
  ss.ss_size = sizeof altstack;
  sigaltstack(&ss, NULL);
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_segv;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGSEGV, &sa, NULL);
}
