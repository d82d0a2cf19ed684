/* Helpers of the pipe C tests: Unix addresses (path and abstract), a unique scratch directory. */
#ifndef HF_PIPE_TEST_H
#define HF_PIPE_TEST_H

#include "hf_test.h"

#include <stddef.h>
#include <sys/stat.h>
#include <sys/un.h>

typedef struct {
  struct sockaddr_un sa;
  socklen_t len;
} hft_unix_t;

/* A filesystem address (the length covers the terminating NUL). */
static inline hft_unix_t hft_unix_path(const char *path) {
  hft_unix_t u;
  memset(&u, 0, sizeof u);
  u.sa.sun_family = AF_UNIX;
  ASSERT(strlen(path) < sizeof u.sa.sun_path);
  strcpy(u.sa.sun_path, path);
  u.len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1);
  return u;
}

/* A Linux abstract address: a NUL, then the name (no terminator counted). */
static inline hft_unix_t hft_unix_abstract(const char *name) {
  hft_unix_t u;
  memset(&u, 0, sizeof u);
  u.sa.sun_family = AF_UNIX;
  ASSERT(strlen(name) + 1 < sizeof u.sa.sun_path);
  memcpy(u.sa.sun_path + 1, name, strlen(name));
  u.len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name));
  return u;
}

#define HFT_UN(u) ((const struct sockaddr *)&(u).sa), ((u).len)

/* A fresh private directory under /tmp for socket files; *dir receives its path. */
static inline void hft_tmpdir(char *dir, size_t cap) {
  ASSERT(cap > 32);
  snprintf(dir, cap, "/tmp/hf-pipe-XXXXXX");
  ASSERT(mkdtemp(dir) != NULL);
}

#endif
