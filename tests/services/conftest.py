from tests.printing.fixtures import fake_printer, shop  # noqa: F401  (fixtures)
