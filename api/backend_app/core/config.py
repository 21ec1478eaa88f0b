"""Settings: one pydantic model, read from the environment with the rules of `failsafe.envparse`.

Each field is read from the variable of its name in capitals (`secret_key` from `SECRET_KEY`);
an empty or blank value means unset, lists are comma-separated, booleans follow
`envparse.parse_bool`. A plain `BaseModel` rather than pydantic-settings, whose package imports
its dotenv, cloud and CLI sources: ~14-20 ms of every cold start on the deployed artefact, for
sources this template never configures.

Built lazily by `get_settings()`, never at import. An invalid value raises `SettingsError`, which
names the variables and never their values; the loader turns it into the fallback's diagnosis.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from backend_app.core.auth_settings import check_database_url, check_secret_key
from backend_app.core.limits_syntax import check_limit
from failsafe import envparse, options
from failsafe.platform import default_environment

EnvBool = Annotated[bool, BeforeValidator(envparse.bool_or_none)]


class SettingsError(ValueError):
    """Invalid settings; `variables` lists the environment variable names at fault."""

    def __init__(self, variables: list[str], reasons: list[str]) -> None:
        self.variables = variables
        super().__init__("invalid settings: " + "; ".join(reasons))


# Exploring the auth routes by hand (register, log in, refresh, a wrong password or two) takes
# more than production's 10 calls a minute; a deployment runs as production unless told otherwise.
DEVELOPMENT_AUTH_LIMIT = "100/minute"


class Settings(BaseModel):
    model_config = ConfigDict(extra="ignore")

    environment: Literal["production", "development"] = Field(default_factory=default_environment)
    debug: EnvBool = options.DEFAULT_DEBUG
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = options.DEFAULT_LOG_LEVEL
    cors_origins: list[str] = Field(default_factory=list)
    cors_origin_regex: str | None = None
    diagnostics_token: SecretStr | None = None
    docs_enabled: EnvBool | None = None
    api_base_path: str | None = None
    backend_load: Literal["eager", "lazy"] = options.DEFAULT_BACKEND_LOAD
    # Failsafe reads these (and the fields above) leniently too, in failsafe.options, which the
    # fallback needs; validated strictly here.
    startup_timeout_s: float = Field(default=options.DEFAULT_STARTUP_TIMEOUT_S, gt=0)
    max_body_bytes: int = Field(default=options.DEFAULT_MAX_BODY_BYTES, gt=0)
    request_timeout_s: float = Field(default=options.DEFAULT_REQUEST_TIMEOUT_S, gt=0, allow_inf_nan=False)
    cors_max_age_s: int = Field(default=options.DEFAULT_CORS_MAX_AGE_S, ge=0)
    # Optional Redis, cache and rate limiter (see backend_app/services/).
    redis_url: SecretStr | None = None
    redis_connect_timeout_s: float = Field(default=0.3, gt=0, le=30)
    redis_op_timeout_s: float = Field(default=0.25, gt=0, le=30)
    redis_retry_after_s: float = Field(default=30.0, gt=0)
    redis_key_prefix: str = Field(default="app", min_length=1, max_length=64)
    memory_cache_max_items: int = Field(default=10_000, ge=1)
    rate_limit_enabled: EnvBool = True
    rate_limit_default: str = "120/minute"
    rate_limit_auth: str = "10/minute"  # DEVELOPMENT_AUTH_LIMIT in development, unless set
    rate_limit_account: str = "100/hour"  # password attempts on one account from all addresses
    rate_limit_fail_closed: list[str] = Field(default_factory=list)
    trusted_proxies: list[str] = Field(default_factory=list)

    # Users and auth (rules in backend_app.core.auth_settings).
    database_url: SecretStr | None = None
    database_connect_timeout_s: float = Field(default=3.0, gt=0)
    database_op_timeout_s: float = Field(default=5.0, gt=0)
    database_pool_max_size: int = Field(default=5, ge=1)
    allow_ephemeral_database: EnvBool = False
    data_dir: str = "data"
    secret_key: SecretStr | None = Field(default=None, validate_default=True)
    secret_key_previous: SecretStr | None = None
    jwt_private_key: SecretStr | None = None
    jwt_public_key: str | None = Field(default=None, validate_default=True)
    jwt_issuer: str = "serverless-fastapi-template"
    jwt_audience: str = "serverless-fastapi-template"
    access_token_ttl_s: int = Field(default=900, gt=0)
    refresh_token_ttl_s: int = Field(default=14 * 24 * 3600, gt=0)
    password_hash_concurrency: int | None = Field(default=None, ge=1)
    password_legacy_bcrypt: EnvBool = False  # verify bcrypt hashes of older deployments (core.hash_schemes)

    # Traces (backend_app.core.tracing): FastAPI's switch and OpenTelemetry's standard variables;
    # failsafe.trace_context.tracing_requested reads the same ones leniently.
    fastapi_otel_auto_configure: EnvBool = False
    otel_exporter_otlp_endpoint: str | None = None
    otel_exporter_otlp_traces_endpoint: str | None = None
    otel_sdk_disabled: EnvBool = False
    otel_traces_exporter: str = "otlp"  # traces are on with "otlp" only (the exporter speaks OTLP/HTTP)
    trace_flush_timeout_s: float = Field(default=2.0, gt=0, le=30)
    # The access line as a CloudWatch embedded-metric-format record, on Lambda (failsafe.emf).
    metrics_emf: EnvBool = False
    metrics_namespace: str = Field(default=options.DEFAULT_METRICS_NAMESPACE, min_length=1, max_length=255)

    @field_validator("secret_key", "secret_key_previous")
    @classmethod
    def _strong_key(cls, value: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        return check_secret_key(value, info.field_name or "", info.data.get("environment"))

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: SecretStr | None) -> SecretStr | None:
        return check_database_url(value)

    @field_validator("jwt_public_key")
    @classmethod
    def _rs256_pair(cls, value: str | None, info: ValidationInfo) -> str | None:
        if (info.data.get("jwt_private_key") is None) != (value is None):
            raise ValueError("JWT_PRIVATE_KEY and JWT_PUBLIC_KEY must be set together")
        return value

    @field_validator("otel_exporter_otlp_endpoint", "otel_exporter_otlp_traces_endpoint")
    @classmethod
    def _http_url(cls, value: str | None, info: ValidationInfo) -> str | None:
        # Checked when FastAPI's switch is on: other tools may read these variables their own way.
        if value is not None and info.data.get("fastapi_otel_auto_configure"):
            parsed = urlsplit(value)
            if parsed.scheme not in ("http", "https") or not parsed.hostname:
                raise ValueError("must be an absolute http:// or https:// URL")
        return value

    @field_validator("environment", "log_level", "backend_load", mode="before")
    @classmethod
    def _normalise_case(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip()
            return (
                value.upper() if value.upper() in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL") else value.lower()
            )
        return value

    @field_validator("cors_origins", "rate_limit_fail_closed", "trusted_proxies", mode="before")
    @classmethod
    def _split_list(cls, value: Any) -> Any:
        return envparse.parse_list(value) if isinstance(value, str) else value

    @field_validator("cors_origin_regex")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error:
                raise ValueError("must be a valid regular expression") from None
        return value

    @field_validator("rate_limit_default", "rate_limit_auth", "rate_limit_account")
    @classmethod
    def _one_limit(cls, value: str) -> str:
        return check_limit(value)

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for item in value:
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ValueError("must be a comma list of IP addresses or CIDR networks") from None
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_scheme(cls, value: SecretStr | None) -> SecretStr | None:
        # The message never repeats the value: it holds the password.
        if value is not None and not value.get_secret_value().startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must start with redis://, rediss:// or unix://")
        return value

    @model_validator(mode="after")
    def _defaults_by_environment(self) -> Settings:
        if self.docs_enabled is None:
            self.docs_enabled = self.environment == "development"
        if self.environment == "development" and "rate_limit_auth" not in self.model_fields_set:
            self.rate_limit_auth = DEVELOPMENT_AUTH_LIMIT
        return self

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @property
    def tracing_enabled(self) -> bool:
        """The rule of failsafe.trace_context.tracing_requested, on validated values."""
        endpoint = self.otel_exporter_otlp_traces_endpoint or self.otel_exporter_otlp_endpoint
        return bool(
            self.fastapi_otel_auto_configure
            and not self.otel_sdk_disabled
            and endpoint
            and self.otel_traces_exporter.lower() == "otlp"
        )


def read_environment(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The settings' variables that are set (not empty or blank), by field name."""
    environ = os.environ if environ is None else environ
    values = {name: envparse.get_str(name.upper(), environ) for name in Settings.model_fields}
    return {name: value for name, value in values.items() if value is not None}


def load_settings(**overrides: Any) -> Settings:
    """Build settings from the environment (and overrides); raise `SettingsError` when invalid."""
    try:
        return Settings.model_validate(read_environment() | overrides)
    except ValidationError as exc:
        variables, reasons = [], []
        for error in exc.errors(include_input=False, include_url=False):
            name = str(error["loc"][0]).upper() if error["loc"] else "SETTINGS"
            variables.append(name)
            # "NAME is invalid: ..." rather than "NAME: ...", which reads like an assignment and
            # is (rightly) masked by the diagnosis redaction.
            reasons.append(f"{name} is invalid: {error['msg'].removeprefix('Value error, ')}")
        raise SettingsError(sorted(set(variables)), reasons) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
