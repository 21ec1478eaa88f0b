"""Settings: one `BaseSettings`, read from the environment with the rules of `failsafe.envparse`.

Built lazily by `get_settings()`, never at import. An invalid value raises `SettingsError`, which
names the variables and never their values; the loader turns it into the fallback's diagnosis.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, PydanticBaseSettingsSource, SettingsConfigDict

from failsafe import envparse
from failsafe.platform import default_environment

EnvBool = Annotated[bool, BeforeValidator(envparse.bool_or_none)]
EnvList = Annotated[list[str], NoDecode]


def _no_items() -> list[str]:
    # Not `default_factory=list`: pydantic reads the factory's signature, and a builtin's is
    # parsed from its text (~0.7 ms of building this class at every cold start; issue 3).
    return []


class SettingsError(ValueError):
    """Invalid settings; `variables` lists the environment variable names at fault."""

    def __init__(self, variables: list[str], reasons: list[str]) -> None:
        self.variables = variables
        super().__init__("invalid settings: " + "; ".join(reasons))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_ignore_empty=True, extra="ignore", case_sensitive=False)

    environment: Literal["production", "development"] = Field(default_factory=default_environment)
    debug: EnvBool = False
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    cors_origins: EnvList = Field(default_factory=_no_items)
    cors_origin_regex: str | None = None
    diagnostics_token: SecretStr | None = None
    docs_enabled: EnvBool | None = None
    api_base_path: str | None = None
    backend_load: Literal["eager", "lazy"] = "eager"
    startup_timeout_s: float = Field(default=5.0, gt=0)
    # Issue 6 (hardening): read leniently by failsafe.stack.StackOptions too; validated strictly here.
    max_body_bytes: int = Field(default=1024 * 1024, gt=0)
    request_timeout_s: float = Field(default=25.0, gt=0, allow_inf_nan=False)
    cors_max_age_s: int = Field(default=600, ge=0)
    # --- issue 4: optional Redis, cache and rate limiter (see backend_app/services/) ---
    redis_url: SecretStr | None = None
    redis_connect_timeout_s: float = Field(default=0.3, gt=0, le=30)
    redis_op_timeout_s: float = Field(default=0.25, gt=0, le=30)
    redis_retry_after_s: float = Field(default=30.0, gt=0)
    redis_key_prefix: str = Field(default="app", min_length=1, max_length=64)
    memory_cache_max_items: int = Field(default=10_000, ge=1)
    rate_limit_enabled: EnvBool = True
    rate_limit_default: str = "120/minute"
    rate_limit_auth: str = "10/minute"
    rate_limit_fail_closed: EnvList = Field(default_factory=_no_items)
    trusted_proxies: EnvList = Field(default_factory=_no_items)

    # --- issue 5: users and auth (rules in backend_app.core.auth_settings) ---
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

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Arguments and the environment only. No env_file or secrets_dir is configured, so the
        # dotenv and secrets sources would find nothing, but walking every field again cost
        # ~1.5 ms of each cold start (half of building Settings; issue 3).
        return init_settings, env_settings

    @field_validator("secret_key", "secret_key_previous")
    @classmethod
    def _strong_key(cls, value: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        from backend_app.core.auth_settings import check_secret_key

        return check_secret_key(value, info.field_name or "", info.data.get("environment"))

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: SecretStr | None) -> SecretStr | None:
        from backend_app.core.auth_settings import check_database_url

        return check_database_url(value)

    @field_validator("jwt_public_key")
    @classmethod
    def _rs256_pair(cls, value: str | None, info: ValidationInfo) -> str | None:
        if (info.data.get("jwt_private_key") is None) != (value is None):
            raise ValueError("JWT_PRIVATE_KEY and JWT_PUBLIC_KEY must be set together")
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
        import re

        if value is not None:
            try:
                re.compile(value)
            except re.error:
                raise ValueError("must be a valid regular expression") from None
        return value

    @field_validator("rate_limit_default", "rate_limit_auth")
    @classmethod
    def _one_limit(cls, value: str) -> str:
        from backend_app.core.limits_syntax import check_limit

        return check_limit(value)

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        import ipaddress

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
        return self

    @property
    def is_production(self) -> bool:
        return self.environment == "production"


def load_settings(**overrides: Any) -> Settings:
    """Build settings from the environment (and overrides); raise `SettingsError` when invalid."""
    try:
        return Settings(**overrides)
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
