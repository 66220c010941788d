"""`python -m evalforge_assets.cli` is the `evalforge` command."""

from evalforge_assets.cli import main

main()
