# SPDX-License-Identifier: GPL-2.0
#
# Sphinx configuration for the AF_EDU documentation: "make docs" builds
# HTML into build/docs when sphinx-build is installed. The pages are plain
# reStructuredText and read as text without it.

project = "AF_EDU"
copyright = "The AF_EDU authors, GPL-2.0"
root_doc = master_doc = "index"
source_suffix = ".rst"
exclude_patterns = ["_build"]
language = "en"
html_title = "AF_EDU: a TCP/IP you can read, load and trace"
# Literal blocks are diagrams and commands, not Python.
highlight_language = "none"
