#include <cstdio>
#include <cstring>

#include "cipherformer/version.h"

int main() {
  if (std::strcmp(cf::native_version(), "0.1.0") != 0) {
    std::fprintf(stderr, "unexpected native version %s\n", cf::native_version());
    return 1;
  }
  return 0;
}
