"""The catalogue of error codes: one entry per code, each answered with an error status."""

from http import HTTPStatus

from failsafe import catalogue


def test_codes_are_unique_and_listed_once() -> None:
    codes = [error.code for error in catalogue.ERROR_CODES]
    assert len(codes) == len(set(codes))
    assert set(catalogue.BY_CODE) == set(codes)


def test_every_code_has_an_error_status_and_a_message() -> None:
    for error in catalogue.ERROR_CODES:
        assert HTTPStatus(error.status).is_client_error or HTTPStatus(error.status).is_server_error
        assert error.message


def test_every_constant_is_in_the_catalogue() -> None:
    constants = {v for v in vars(catalogue).values() if isinstance(v, catalogue.ErrorCode)}
    assert constants == set(catalogue.ERROR_CODES)
