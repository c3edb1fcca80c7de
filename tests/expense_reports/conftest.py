from tests.review.conftest import books  # noqa: F401
