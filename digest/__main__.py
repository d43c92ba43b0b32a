"""`python -m digest` and the `digest` command (pyproject's entry point is `main` here).

The command's script imports this module, not the CLI: a PDF worker process is started by
re-running the parent's main script (multiprocessing's spawn), so whatever the script imports
at its top, every worker imports too. Here that is nothing but this module; the CLI (typer,
rich, the pipeline) is imported when `main` runs, in the parent only.
"""

from __future__ import annotations


def main() -> None:
    """Run the `digest` command line."""
    from digest.cli import main as cli

    cli()


if __name__ == "__main__":
    main()
