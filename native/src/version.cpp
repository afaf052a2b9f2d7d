#include "cipherformer/version.h"

namespace cf {

const char *native_version() noexcept { return "0.1.0"; }

}  // namespace cf
