"""The accounts file (`main.py run --accounts FILE`, or env BOT_ACCOUNTS): the bot's WeChat accounts, each a puppet
service endpoint and token (or the sandbox) with its own send budget. The first account is the default one (it sends
what belongs to no other). Every problem is one line `FILE: accounts[2].endpoint: problem`.

    - {name: adv1, endpoint: "127.0.0.1:8788", token_env: ADV1_TOKEN, per_minute: 40}
    - {name: adv2, endpoint: "127.0.0.1:8789", token: "puppet_xxx"}
    - {name: sandbox, sandbox: true}
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Mapping

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.cli.redact import redact, scrub
from bot.playbook.loader import read_yaml


class AccountsError(Exception):
    """An accounts file that cannot be used; str() is the one-line explanation."""


class AccountConfig(BaseModel):
    """One account of the accounts file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=64)
    endpoint: str | None = None  # host:port of its puppet service
    token: str | None = Field(default=None, repr=False)  # inline (masked in every log), or:
    token_env: str | None = None  # the environment variable holding the token
    sandbox: bool = False  # the terminal sandbox instead of WeChat (at most one account)
    per_minute: int = Field(default=40, ge=1, le=600)  # its send budget: messages per rolling minute

    @field_validator("name")
    @classmethod
    def _plain_name(cls, name: str) -> str:
        if not re.fullmatch(r"[\w.-]+", name):
            raise ValueError("只能用字母、数字、_ . -（letters, digits, _ . - only）")
        return name

    @field_validator("endpoint")
    @classmethod
    def _host_port(cls, endpoint: str | None) -> str | None:
        if endpoint is not None and not re.fullmatch(r"[\w.\-\[\]:]+:\d{1,5}", endpoint):
            raise ValueError(f"需要 host:port（needs host:port, got {endpoint[:60]!r}）")
        return endpoint

    def problems(self) -> list[tuple[str, str]]:
        """(field, problem) for what the fields say together: WeChat needs an endpoint and one token; the sandbox none."""
        if self.sandbox:
            given = [f for f in ("endpoint", "token", "token_env") if getattr(self, f)]
            return [(f, "sandbox: true 的账号不用它（a sandbox account has no endpoint or token）") for f in given]
        out = []
        if not self.endpoint:
            out.append(("endpoint", "缺少（missing: host:port of the puppet service, or sandbox: true）"))
        if not (self.token or self.token_env):
            out.append(("token", "缺少（missing: token or token_env）"))
        if self.token and self.token_env:
            out.append(("token_env", "token 和 token_env 只能用一个（give token or token_env, not both）"))
        return out

    def secret(self, env: Mapping[str, str] | None = None) -> str:
        """The puppet service token (from the file, or from its environment variable)."""
        env = os.environ if env is None else env
        return self.token or env.get(self.token_env or "", "")


def _loc(loc: tuple) -> str:
    out = "accounts"
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def load_accounts(path: str | Path, env: Mapping[str, str] | None = None) -> list[AccountConfig]:
    """Read and check an accounts file (tokens are masked in logs from here on); raise AccountsError with one line
    per problem: 'FILE: accounts[2].endpoint: problem'."""
    path = Path(path)
    env = os.environ if env is None else env
    raw = read_yaml(path, AccountsError)
    if isinstance(raw, dict) and set(raw) == {"accounts"}:
        raw = raw["accounts"]
    if not isinstance(raw, list) or not raw:
        raise AccountsError(f"{path}: accounts: 需要一个非空列表（a non-empty list of accounts）")
    problems: list[str] = []
    accounts: list[tuple[int, AccountConfig]] = []  # (its index in the file, the account)
    for i, item in enumerate(raw):
        if isinstance(item, dict) and isinstance(item.get("token"), str):
            redact(item["token"])  # before anything (a validation message included) can show it
        try:
            accounts.append((i, AccountConfig.model_validate(item)))
        except ValidationError as exc:
            for err in exc.errors():
                msg = err["msg"].removeprefix("Value error, ")
                problems.append(f"{_loc((i, *err['loc']))}: {msg}")
    seen: dict[str, int] = {}
    for i, acc in accounts:
        problems.extend(f"accounts[{i}].{field}: {problem}" for field, problem in acc.problems())
        if acc.name in seen:
            problems.append(f"accounts[{i}].name: 重复（duplicate name {acc.name!r}, also accounts[{seen[acc.name]}]）")
        seen.setdefault(acc.name, i)
        if acc.token_env and not env.get(acc.token_env):
            problems.append(f"accounts[{i}].token_env: 环境变量 {acc.token_env} 没有设置（environment variable not set）")
        redact(acc.secret(env))
    if sum(acc.sandbox for _, acc in accounts) > 1:
        problems.append("accounts: 最多一个 sandbox 账号（at most one sandbox account）")
    if problems:
        raise AccountsError(scrub("\n".join(f"{path}: {p}" for p in problems)))  # printed, never with a token
    return [acc for _, acc in accounts]
