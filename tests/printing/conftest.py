from collections.abc import Callable, Iterator

import pytest

from tests.printing.fake_printer import FakePrinter
from tests.printing.fixtures import fake_printers


@pytest.fixture
def fake_printer() -> Iterator[Callable[[str], FakePrinter]]:
    yield from fake_printers()
