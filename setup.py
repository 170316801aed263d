"""Build hook: ship the canonical plan (data/actions.yaml) inside the package.

The canonical, human-edited file lives at the top of the repository; a wheel needs its own
copy so that `nzcli` works from any folder after `pip install .`.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithPlan(build_py):
    def run(self) -> None:
        super().run()
        source = Path(__file__).parent / "data" / "actions.yaml"
        target = Path(self.build_lib) / "nzcli" / "data" / "actions.yaml"
        target.parent.mkdir(parents=True, exist_ok=True)
        self.copy_file(str(source), str(target))


setup(cmdclass={"build_py": BuildWithPlan})
