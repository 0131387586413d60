#ifndef GATEWAY_SHIMS_H
#define GATEWAY_SHIMS_H

#include <spawn.h>

/// posix_spawn_file_actions_addchdir_np, which Swift's Glibc module does not expose (it needs _GNU_SOURCE).
int gw_spawn_file_actions_addchdir(posix_spawn_file_actions_t *actions, const char *path);

/// Closes every descriptor from `lowest` up in the child (glibc 2.34+; elsewhere nothing): descriptors
/// the parent did not mark close-on-exec — such as the one Foundation's Process uses to watch its child
/// — must not reach a long-lived grandchild like the tmux server, or whoever waits on them never returns.
int gw_spawn_file_actions_addclosefrom(posix_spawn_file_actions_t *actions, int lowest);

/// A pipe whose both ends are close-on-exec from the start, so a child spawned by another thread at
/// the same moment never inherits them (and never holds a pipe open that should reach end-of-file).
int gw_pipe_cloexec(int fds[2]);

/// mkstemp with the descriptor close-on-exec from the start, for the same reason.
int gw_mkstemp_cloexec(char *path_template);

/// POSIX_SPAWN_SETSID (the child starts a new session, detached from the terminal), which Swift's Glibc
/// module hides behind _GNU_SOURCE; 0 where the platform lacks it.
short gw_posix_spawn_setsid_flag(void);

/// POSIX_SPAWN_CLOEXEC_DEFAULT (Apple: only the descriptors the file actions set up reach the child,
/// what closefrom does on Linux); 0 elsewhere.
short gw_posix_spawn_cloexec_default_flag(void);

#endif
