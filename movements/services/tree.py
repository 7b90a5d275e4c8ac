"""Changes of the tree applied as recorded events (`TreeChange`): create, close, rename, move,
merge, split. One change, or every row of a file, is applied in one transaction, all or
nothing; the units' validity and parent are set through `Unit.save`, whose receivers keep the
stored totals and report counts exact (services.receivers).

What each kind does on its effective date D (the day before: D − 1):
- create: a new unit, valid from D, under the given parent.
- close: the unit valid to D − 1.
- rename: the unit's name and short name become the new ones; the change keeps the old ones
  (the dated name history: `unit_names`).
- move: a unit that begins on or after D changes parent in place (it has no history before D).
  Any other unit keeps its history where it was: the model has one parent a unit, and a move
  of that parent would carry the past figures to the new parent. So the unit is closed on
  D − 1 and a successor (same name, kind, code with the date) begins on D under the new
  parent, with the unit's memberships copied; the unit's reports of periods that begin on or
  after D are re-filed to the successor (a back-dated move); a report of a period across D
  stays with the unit that did the work.
- merge: the sources closed on D − 1, the target (existing, or created) valid from D; the
  sources' reports of periods beginning on or after D re-filed to the target.
- split: the source closed on D − 1; the targets (existing on D, usually created by earlier
  rows) take its stated shares.
For a close, merge, split or move, the units under a source that still exist on D go to the
target (merge), the first target (split) or the successor (move) when the change says so
(`move_children`), keeping their own history; otherwise the change is refused. A source's
report of a period beginning on or after D that nothing takes (close, split) is refused too.

Every merge, split and move (with a successor) records who succeeds whom (`Succession`) with
its share: what a comparison across the change maps the earlier years through.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..formatting import format_date, format_number
from ..models import Membership, Succession, TreeChange, TreeChangeUnit, Unit
from .tree_checks import (  # noqa: F401 — the specification's names, as callers import them
    HUNDRED,
    ChangeSpec,
    NewUnit,
    Share,
    TreeChangeInvalid,
    TreePlan,
    _Change,
)

Kind = TreeChange.Kind


def _record(
    change: _Change,
    *,
    sources: list[Unit],
    targets: list[Unit],
    shares: tuple[Share, ...] = (),
    successions: list[tuple[Unit, Unit, Share]] = (),
    **fields,
) -> TreeChange:
    spec = change.spec
    row = TreeChange.objects.create(
        kind=spec.kind,
        effective_date=spec.date,
        document_number=spec.document_number,
        document_date=spec.document_date,
        document_body=spec.document_body,
        notes=spec.notes,
        move_children=spec.move_children,
        created_by=change.user if change.user.is_authenticated else None,
        **fields,
    )
    parts = [
        TreeChangeUnit(change=row, unit=u, role=TreeChangeUnit.Role.SOURCE, position=n)
        for n, u in enumerate(sources)
    ]
    for n, unit in enumerate(targets):
        share = shares[n] if n < len(shares) else Share()
        parts.append(
            TreeChangeUnit(
                change=row,
                unit=unit,
                role=TreeChangeUnit.Role.TARGET,
                position=n,
                share_percent=share.percent,
                share_members=share.members,
            )
        )
    TreeChangeUnit.objects.bulk_create(parts)
    Succession.objects.bulk_create(
        Succession(
            change=row,
            predecessor=before,
            successor=after,
            effective_date=spec.date,
            share_percent=share.percent,
            share_members=share.members,
        )
        for before, after, share in successions
    )
    return row


WHOLE = Share(percent=HUNDRED)


def _create(change: _Change) -> TreeChange:
    parent = change.unit(change.spec.new_unit.parent) if change.spec.new_unit else None
    unit = change.new_unit(parent)
    change.raise_if_refused()
    change.save(unit)
    return _record(change, sources=[], targets=[unit])


def _close(change: _Change) -> TreeChange:
    change.count(change.spec.sources, 1, 1, _("Giải thể: chọn đúng một đơn vị."))
    for source in change.sources():
        change.check_across(source)
        change.check_children(source, taker=False)
        change.check_reports_kept(source, None)
    change.raise_if_refused()
    (source,) = change.sources()
    change.close(source)
    return _record(change, sources=[source], targets=[])


def _rename(change: _Change) -> TreeChange:
    spec = change.spec
    change.count(spec.sources, 1, 1, _("Đổi tên: chọn đúng một đơn vị."))
    if not spec.new_name.strip():
        change.refuse(_("Đổi tên: thiếu tên mới."))
    for source in change.sources():
        change.check_on(source, _("Đơn vị"))
    change.raise_if_refused()
    (unit,) = change.sources()
    old = (unit.name, unit.short_name)
    unit.name = spec.new_name.strip()
    unit.short_name = spec.new_short_name.strip() or unit.short_name
    try:
        unit.full_clean(exclude=["path", "parent", "code"])
    except ValidationError as error:
        raise TreeChangeInvalid([m for ms in error.message_dict.values() for m in ms]) from None
    change.save(unit)
    return _record(
        change,
        sources=[unit],
        targets=[],
        old_name=old[0],
        old_short_name=old[1],
        new_name=unit.name,
        new_short_name=unit.short_name,
    )


def _successor_code(unit: Unit, day: dt.date) -> str:
    base = f"{unit.code[:55]}-{day:%Y%m%d}"
    code, n = base, 1
    while Unit.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return code


def _move(change: _Change) -> TreeChange:
    spec = change.spec
    change.count(spec.sources, 1, 1, _("Chuyển: chọn đúng một đơn vị."))
    parent = change.unit(spec.new_parent)
    if not spec.new_parent:
        change.refuse(_("Chuyển: chọn đơn vị cấp trên mới."))
    sources = change.sources()
    in_place = (
        bool(sources) and sources[0].valid_from is not None and sources[0].valid_from >= spec.date
    )
    for source in sources:
        if in_place:
            change.check_on(source, _("Đơn vị"))
        else:
            change.check_across(source)
            change.check_children(source, taker=True)
        if parent is not None and parent.pk == source.parent_id:
            change.refuse(_("“%(unit)s” đã nằm dưới “%(parent)s”."), unit=source, parent=parent)
    if parent is not None:
        change.check_on(parent, _("Đơn vị cấp trên mới"))
        change.check_outside(parent, sources)
    change.raise_if_refused()
    (source,) = sources
    if in_place:
        source.parent = parent
        change.save(source)
        return _record(change, sources=[source], targets=[source], new_parent=parent)
    successor = Unit(
        code=_successor_code(source, spec.date),
        name=source.name,
        short_name=source.short_name,
        kind=source.kind,
        gso_code=source.gso_code,
        parent=parent,
        valid_from=spec.date,
        valid_to=source.valid_to,
        sort_order=source.sort_order,
        signer_title=source.signer_title,
        signer_name=source.signer_name,
        recipients=source.recipients,
    )
    change.save(successor)
    change.children_to(source, successor)
    change.refile(source, successor)
    change.close(source)
    Membership.objects.bulk_create(
        [
            Membership(user_id=m.user_id, unit=successor, role=m.role)
            for m in source.memberships.all()
        ],
        ignore_conflicts=True,
    )
    return _record(
        change,
        sources=[source],
        targets=[successor],
        successions=[(source, successor, WHOLE)],
        new_parent=parent,
    )


def _merge(change: _Change) -> TreeChange:
    spec = change.spec
    change.count(spec.sources, 2, None, _("Hợp nhất: cần ít nhất hai đơn vị nguồn."))
    sources = change.sources()
    if spec.targets:
        change.count(spec.targets, 1, 1, _("Hợp nhất: chọn đúng một đơn vị đích."))
        targets = change.targets()
        target = targets[0] if targets else None
        if target is not None:
            change.check_on(target, _("Đơn vị đích"))
            change.check_outside(target, sources)
    else:
        parent_code = spec.new_unit.parent if spec.new_unit else ""
        parent = (
            change.unit(parent_code) if parent_code else (sources[0].parent if sources else None)
        )
        target = change.new_unit(parent)
        if parent is not None:
            change.check_outside(parent, sources)
    for source in sources:
        change.check_across(source)
        change.check_children(source, taker=True)
        change.check_reports_kept(source, target)
    after = [
        (r.period_id, r.movement_id)
        for source in sources
        for r in change.reports_after(source).only("period", "movement")
    ]
    if len(set(after)) != len(after):
        change.refuse(_("Hai đơn vị nguồn đã có báo cáo cùng một kỳ sau ngày hiệu lực."))
    change.raise_if_refused()
    if target.pk is None:
        change.save(target)
    for source in sources:
        change.children_to(source, target)
        change.refile(source, target)
        change.close(source)
    return _record(
        change,
        sources=sources,
        targets=[target],
        successions=[(source, target, WHOLE) for source in sources],
    )


def _split(change: _Change) -> TreeChange:
    spec = change.spec
    change.count(spec.sources, 1, 1, _("Chia tách: chọn đúng một đơn vị nguồn."))
    change.count(spec.targets, 2, None, _("Chia tách: cần ít nhất hai đơn vị tách ra."))
    sources, targets = change.sources(), change.targets()
    for target in targets:
        change.check_on(target, _("Đơn vị tách ra"))
        change.check_outside(target, sources)
    for source in sources:
        change.check_across(source)
        change.check_children(source, taker=True)
        change.check_reports_kept(source, None)
    change.check_shares(targets)
    change.raise_if_refused()
    (source,) = sources
    change.children_to(source, targets[0])
    change.close(source)
    shares = spec.shares or tuple(Share() for _ in targets)
    return _record(
        change,
        sources=[source],
        targets=targets,
        shares=shares,
        successions=[(source, t, s) for t, s in zip(targets, shares, strict=True)],
    )


APPLY = {
    Kind.CREATE: _create,
    Kind.CLOSE: _close,
    Kind.RENAME: _rename,
    Kind.MOVE: _move,
    Kind.MERGE: _merge,
    Kind.SPLIT: _split,
}


def _apply(user, spec: ChangeSpec) -> TreeChange:
    change = _Change(user, spec)
    if spec.kind not in APPLY:
        change.refuse(_("Loại thay đổi không hợp lệ: “%(kind)s”."), kind=spec.kind)
    if not spec.document_number.strip():
        change.refuse(_("Thiếu số, ký hiệu văn bản quyết định thay đổi."))
    change.raise_if_refused()
    return APPLY[spec.kind](change)


def tree_change_apply(*, user, spec: ChangeSpec) -> TreeChange:
    """Apply one change in one transaction; the TreeChange recorded. Raises TreeChangeInvalid
    (every reason) with nothing changed."""
    with transaction.atomic():
        return _apply(user, spec)


def describe(change: TreeChange) -> str:
    """One line saying what a recorded change did."""
    # parts.all(): prefetched by a list of changes (parts__unit).
    parts = sorted(change.parts.all(), key=lambda p: (p.role, p.position))
    sources = ", ".join(p.unit.name for p in parts if p.role == TreeChangeUnit.Role.SOURCE)
    targets = ", ".join(
        p.unit.name
        + (
            f" ({format_number(p.share_percent, 2).rstrip('0').rstrip(',')} %)"
            if p.share_percent is not None
            else ""
        )
        + (f" ({format_number(p.share_members)} đoàn viên)" if p.share_members is not None else "")
        for p in parts
        if p.role == TreeChangeUnit.Role.TARGET
    )
    date = format_date(change.effective_date)
    texts = {
        Kind.CREATE: _("Thành lập %(targets)s từ %(date)s"),
        Kind.CLOSE: _("Giải thể %(sources)s từ %(date)s"),
        Kind.RENAME: _("Đổi tên %(old)s thành %(new)s từ %(date)s"),
        Kind.MOVE: _("Chuyển %(sources)s sang %(parent)s từ %(date)s (kế tục: %(targets)s)"),
        Kind.MERGE: _("Hợp nhất %(sources)s thành %(targets)s từ %(date)s"),
        Kind.SPLIT: _("Chia tách %(sources)s thành %(targets)s từ %(date)s"),
    }
    return texts[change.kind] % {
        "sources": sources,
        "targets": targets,
        "date": date,
        "old": change.old_name,
        "new": change.new_name,
        "parent": change.new_parent.name if change.new_parent_id else "",
    }


def tree_changes_apply(
    *, user, rows: list[tuple[int, ChangeSpec]], dry_run: bool = False
) -> TreePlan:
    """Apply a file's changes in order, all or nothing: every row is tried (a refused row's
    writes undone by its savepoint, so that later rows are still checked) and, if any row was
    refused, everything is undone and TreeChangeInvalid raises with the reasons by row.
    `dry_run`: the plan (each row described, or its reasons) with nothing kept — the preview."""
    plan = TreePlan()
    try:
        with transaction.atomic():
            for number, spec in rows:
                try:
                    with transaction.atomic():
                        plan.described[number] = describe(_apply(user, spec))
                except TreeChangeInvalid as refused:
                    plan.errors[number] = refused.errors
            if dry_run or plan.errors:
                raise _Undone
    except _Undone:
        pass
    if plan.errors and not dry_run:
        raise TreeChangeInvalid(plan.errors)
    return plan


class _Undone(Exception):
    """Leaves the file's transaction, undoing it (a preview, or a refused row)."""
