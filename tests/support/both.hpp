#pragma once
// BOTH(condition): asserts a condition while compiling (static_assert) and again when the
// test runs (Catch2 CHECK), so every compile-time test also exercises the engine at run
// time and reports there by name.
#include <catch2/catch.hpp>

#define BOTH(...)                                                                                  \
    do {                                                                                           \
        static_assert(__VA_ARGS__);                                                                \
        CHECK(__VA_ARGS__);                                                                        \
    } while (false)
