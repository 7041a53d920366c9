/*
 * psum_mpi under AddressSanitizer: Open MPI's allocations kept past
 * MPI_Finalize are not psum_mpi's leaks.  A source of the executable, not
 * of a library, where the linker would drop these unreferenced hooks;
 * meson adds it only to an ASan build (-Db_sanitize=address...).
 */
#if defined(__SANITIZE_ADDRESS__)
#define PSUM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PSUM_ASAN 1
#endif
#endif

#ifdef PSUM_ASAN
/*
 * Open MPI keeps allocations past MPI_Finalize, in its libraries and in
 * components it loads and unloads, and LeakSanitizer would report them as
 * psum_mpi's.  These suppressions name Open MPI's libraries; the full
 * unwind lets them see every frame (the fast one stops at the first
 * library frame without a frame pointer).  A leak of psum_mpi's own, with
 * no Open MPI frame, is still reported.  ASAN_OPTIONS and LSAN_OPTIONS
 * override these.
 */
const char *__asan_default_options(void);
const char *__lsan_default_options(void);
const char *__lsan_default_suppressions(void);

const char *__asan_default_options(void)
{
    return "fast_unwind_on_malloc=0";
}

/* Quiet about what it suppressed: stderr keeps psum_mpi's one line. */
const char *__lsan_default_options(void)
{
    return "print_suppressions=0";
}

const char *__lsan_default_suppressions(void)
{
    return "leak:libmpi.so\nleak:libopen-rte.so\nleak:libopen-pal.so\nleak:libevent\n"
           "leak:libpmix\nleak:libhwloc\n";
}
#endif
