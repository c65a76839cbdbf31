"""Real-time routes (only while the register is online): customers, a transaction for a
return from any register of the chain and what was returned of it, on-hand stock."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from channel_server.api_common import Db, Device, errors, protocol_header, reject_unknown_query
from channel_server.db import retry_races
from channel_server.errors import ApiError
from channel_server.realtime import (
    CustomerConflict,
    create_customer,
    find_transactions,
    on_hand,
    returned_lines,
    search_customers,
)
from sync.protocol import (
    CustomerList,
    CustomerRecord,
    ErrorCode,
    Id,
    InventoryAnswer,
    ReturnedList,
    TransactionList,
)

router = APIRouter(
    prefix="/v1", dependencies=[Depends(protocol_header), Depends(reject_unknown_query)]
)


@router.get("/customers", response_model=CustomerList, responses=errors(400, 401, 422))
def customers(
    db: Db,
    device: Device,
    q: Annotated[
        str, Query(min_length=1, max_length=100, description="id, or name/phone/e-mail start")
    ],
    limit: Annotated[int, Query(ge=1, le=50)] = 20,
) -> CustomerList:
    with db.read() as session:
        return CustomerList(items=search_customers(session, q, limit))


@router.post(
    "/customers",
    response_model=CustomerRecord,
    status_code=201,
    responses={**errors(400, 401, 409, 413, 422), 200: {"model": CustomerRecord,
               "description": "The same customer was created before (replayed request)"}},
)  # fmt: skip
def new_customer(body: CustomerRecord, db: Db, device: Device) -> JSONResponse:
    """Create a customer under the client's customer_id; the same request again answers 200."""

    def create() -> tuple[CustomerRecord, bool]:
        with db.write() as session:
            return create_customer(session, body)

    try:
        record, created = retry_races(create)  # two registers creating the same id at once
    except CustomerConflict as exc:
        raise ApiError(409, ErrorCode.CONFLICT, str(exc)) from exc
    return JSONResponse(record.model_dump(mode="json"), 201 if created else 200)


@router.get("/transactions", response_model=TransactionList, responses=errors(400, 401, 422))
def transactions(
    db: Db,
    device: Device,
    receipt_number: Annotated[str, Query(min_length=1, max_length=64)],
) -> TransactionList:
    """Sales and voids with this receipt number from every store (for a return)."""
    with db.read() as session:
        return TransactionList(items=find_transactions(session, receipt_number))


@router.get("/returns", response_model=ReturnedList, responses=errors(400, 401, 422))
def returns(
    db: Db,
    device: Device,
    transaction_id: Annotated[Id, Query(description="the original sale's transaction id")],
) -> ReturnedList:
    """What received returns from every register took back of each line of a sale (a
    register adds them to its own returns before returning more of it)."""
    with db.read() as session:
        return ReturnedList(
            transaction_id=transaction_id, items=returned_lines(session, transaction_id)
        )


@router.get("/inventory", response_model=InventoryAnswer, responses=errors(400, 401, 422))
def inventory(
    db: Db,
    device: Device,
    item_id: Annotated[str, Query(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f]+$")],
    store_id: Annotated[str | None, Query(max_length=64)] = None,
) -> InventoryAnswer:
    """On-hand quantity of an item per store (every store of the chain unless one is named)."""
    with db.read() as session:
        return InventoryAnswer(item_id=item_id, stores=on_hand(session, item_id, store_id))
