"""`tucai payments parse-bill FILE --json`: any bill, normalised, so anyone can check one by hand."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from services.payments.bills import BillError, parse_bill

payments_app = typer.Typer(help="Payments: provider bills.", no_args_is_help=True)


@payments_app.command("parse-bill")
def parse_bill_command(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="WeChat trade bill (csv/gz) or Alipay zip")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the normalised bill as JSON")] = False,
    sha1: Annotated[str | None, typer.Option(help="WeChat hash_value to check the download against")] = None,
) -> None:
    """Parse a provider bill: rows in fen (refunds positive), times in UTC, and whether its summary agrees."""
    try:
        bill = parse_bill(file, sha1)
    except BillError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(json.dumps(bill.as_dict(), ensure_ascii=False, indent=1))
        return
    payments = [r for r in bill.rows if r.kind == "payment"]
    refunds = [r for r in bill.rows if r.kind == "refund"]
    typer.echo(f"{bill.provider}: {len(payments)} payments {sum(r.amount_fen for r in payments)} fen, "
               f"{len(refunds)} refunds {sum(r.amount_fen for r in refunds)} fen; "
               f"summary {'agrees' if bill.summary_ok else 'DISAGREES: ' + '; '.join(bill.problems)}")
    if not bill.summary_ok:
        raise typer.Exit(1)
