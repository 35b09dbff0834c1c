"""The tree reads as the pipeline: a thin core at the package root, one subpackage per
stage and per output format."""

from __future__ import annotations

from pipeline.build import registry
from pipeline.build.units import PACKAGE

STAGES = ("source", "catalogs", "translators", "build")


def test_the_package_root_is_a_thin_core() -> None:
    root = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__")
    assert len(root) <= 10, root


def test_each_stage_and_each_format_is_a_subpackage() -> None:
    formats = {module.split(".")[1] for module in registry.BUILTIN_BUILDERS.values()}
    assert formats == {"audio", "print", "html", "epub", "transcript", "site"}
    for package in (*STAGES, *formats):
        assert (PACKAGE / package / "__init__.py").is_file(), package


def test_no_test_support_module_shadows_the_standard_library() -> None:
    # Scripts in tests/support run with that folder first on sys.path: a support module
    # named like a standard one (html.py did) breaks every import of the real one there.
    import sys
    from pathlib import Path

    support = Path(__file__).resolve().parents[1] / "support"
    names = {p.stem for p in support.glob("*.py")}
    names |= {p.name for p in support.iterdir() if p.is_dir()}
    shadowing = names & set(sys.stdlib_module_names)
    assert not shadowing, shadowing
