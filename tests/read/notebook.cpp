// Jupyter notebooks: Markdown cells only, positions within the cell and in the .ipynb file.
#include "read_support.hpp"

using namespace elbocheck::read;
using read_support::positions;

namespace {

// Written as Jupyter writes notebooks: one JSON string per line of a cell.
const std::string notebook = R"({
 "cells": [
  {
   "cell_type": "code",
   "metadata": {},
   "source": [
    "x = \"$not math$\"\n"
   ]
  },
  {
   "cell_type": "markdown",
   "metadata": {},
   "source": [
    "The bound:\n",
    "$$\\log p(x) \\geq \\mathbb{E}_{q}[\\log p(x, z) - \\log q(z)]$$\n",
    "and $q$ too"
   ]
  },
  {
   "cell_type": "markdown",
   "metadata": {},
   "source": "A broken $\\frac{a}$ here"
  },
  {
   "cell_type": "markdown",
   "metadata": {},
   "source": [
    "Then\n",
    "$$\\sqrt{$$"
   ]
  }
 ],
 "metadata": {},
 "nbformat": 4,
 "nbformat_minor": 5
}
)";

} // namespace

TEST_CASE("Markdown cells are read, code cells are not", "[read][notebook]") {
    auto n = read_note("nb.ipynb", notebook);
    REQUIRE(n.sources.size() == 3);
    CHECK(n.sources[0].cell() == 1);
    CHECK(n.sources[1].cell() == 2);
    REQUIRE(n.math.size() == 4);
    const auto& display = n.math[0];
    CHECK(display.piece.style == math_style::display);
    CHECK(display.piece.latex == "\\log p(x) \\geq \\mathbb{E}_{q}[\\log p(x, z) - \\log q(z)]");
    CHECK(positions(display.piece.start) == "2:3"); // line 2 of the cell
    CHECK(n.source_of(display).file_line_of(2) == 15);
    CHECK(n.math[1].piece.latex == "q");
    CHECK(positions(n.math[1].piece.start) == "3:6");
    CHECK(n.source_of(n.math[1]).file_line_of(3) == 16);
}

TEST_CASE("diagnostics in a cell name the cell, its line and the file's line", "[read][notebook]") {
    auto n = read_note("nb.ipynb", notebook);
    REQUIRE(n.diagnostics.size() == 2);
    const auto& frac = n.diagnostics[0];
    CHECK(frac.cell == 2);
    CHECK(positions(frac.where) == "1:11");
    CHECK(frac.file_line == 22); // a cell stored as one line-long string is found too
    CHECK(frac.construct == "\\frac");
    CHECK(frac.to_string() ==
          "nb.ipynb:cells[2]:1:11: (nb.ipynb line 22) `\\frac`: expects 2 argument(s) but "
          "argument 2 is missing");
    const auto& brace = n.diagnostics[1];
    CHECK(brace.cell == 3);
    CHECK(positions(brace.where) == "2:8");
    CHECK(brace.file_line == 29);
    CHECK(brace.to_string().starts_with("nb.ipynb:cells[3]:2:8: (nb.ipynb line 29) `{`"));
}

TEST_CASE("a file that is not a notebook is reported, not thrown", "[read][notebook]") {
    auto broken = read_note("nb.ipynb", "{\n \"cells\": [\n  {\"cell_type\": \n");
    REQUIRE(broken.diagnostics.size() == 1);
    CHECK(broken.diagnostics[0].where.line == 4);
    CHECK(broken.diagnostics[0].message.find("not valid JSON") != std::string::npos);
    auto other = read_note("nb.ipynb", "[1, 2]");
    REQUIRE(other.diagnostics.size() == 1);
    CHECK(other.diagnostics[0].message.find("no \"cells\" array") != std::string::npos);
}
