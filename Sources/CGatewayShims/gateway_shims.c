#define _GNU_SOURCE
#include "gateway_shims.h"
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

int gw_spawn_file_actions_addchdir(posix_spawn_file_actions_t *actions, const char *path) {
    return posix_spawn_file_actions_addchdir_np(actions, path);
}

int gw_spawn_file_actions_addclosefrom(posix_spawn_file_actions_t *actions, int lowest) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    return posix_spawn_file_actions_addclosefrom_np(actions, lowest);
#else
    (void)actions;
    (void)lowest;
    return 0;
#endif
}

int gw_pipe_cloexec(int fds[2]) {
#ifdef __linux__
    return pipe2(fds, O_CLOEXEC);
#else
    if (pipe(fds) != 0) return -1;
    fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    return 0;
#endif
}

int gw_mkstemp_cloexec(char *path_template) {
#ifdef __linux__
    return mkostemp(path_template, O_CLOEXEC);
#else
    int fd = mkstemp(path_template);
    if (fd >= 0) fcntl(fd, F_SETFD, FD_CLOEXEC);
    return fd;
#endif
}

short gw_posix_spawn_setsid_flag(void) {
#ifdef POSIX_SPAWN_SETSID
    return POSIX_SPAWN_SETSID;
#else
    return 0;
#endif
}

short gw_posix_spawn_cloexec_default_flag(void) {
#ifdef POSIX_SPAWN_CLOEXEC_DEFAULT
    return POSIX_SPAWN_CLOEXEC_DEFAULT;
#else
    return 0;
#endif
}
