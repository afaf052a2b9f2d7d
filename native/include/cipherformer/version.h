#pragma once

namespace cf {

/// Version of the native kernels; the Java side checks it against its own to catch a stale hand-built library.
const char *native_version() noexcept;

}  // namespace cf
