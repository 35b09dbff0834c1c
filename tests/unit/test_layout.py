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
