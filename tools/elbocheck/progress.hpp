#pragma once
// A progress bar on standard error, shown only on a terminal and only once the work has taken
// more than a second, so quick runs and logs stay clean.

#include <chrono>
#include <cstdio>
#include <string>
#include <unistd.h>

namespace elbocheck::tools {

class progress {
  public:
    progress(std::size_t total, std::string what)
        : total_(total)
        , what_(std::move(what))
        , start_(std::chrono::steady_clock::now())
        , enabled_(isatty(fileno(stderr)) != 0) {}

    void advance() {
        ++done_;
        if (!enabled_ || std::chrono::steady_clock::now() - start_ < std::chrono::seconds(1))
            return;
        constexpr std::size_t width = 30;
        const std::size_t filled = total_ ? width * done_ / total_ : width;
        std::fprintf(stderr, "\r%s [%s%s] %zu/%zu", what_.c_str(), std::string(filled, '#').c_str(),
                     std::string(width - filled, ' ').c_str(), done_, total_);
        std::fflush(stderr);
        shown_ = true;
    }

    void finish() {
        if (shown_)
            std::fprintf(stderr, "\r%*s\r", 60, "");
    }

  private:
    std::size_t total_, done_ = 0;
    std::string what_;
    std::chrono::steady_clock::time_point start_;
    bool enabled_, shown_ = false;
};

} // namespace elbocheck::tools
