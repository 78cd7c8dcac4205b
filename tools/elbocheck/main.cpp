// elbocheck: checks derivations of the evidence lower bound step by step (see cli.hpp).
#include "catalog.hpp"
#include "cli.hpp"

int main(int argc, char** argv) {
    return elbocheck::tools::run_cli(argc, argv, elbocheck::derivations::catalog());
}
