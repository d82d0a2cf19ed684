package io.holdfast;

/**
 * Who is at the other end of a pipe: the peer process's id, user id and group id as the kernel
 * recorded them when the connection was made ({@code SO_PEERCRED}: at connect, or when a pair
 * was created). They do not change if the peer later changes its ids or passes the fd on.
 *
 * @param pid the peer's process id
 * @param uid the peer's effective user id (unsigned 32 bits)
 * @param gid the peer's effective group id (unsigned 32 bits)
 */
public record PeerCredentials(long pid, long uid, long gid) {}
