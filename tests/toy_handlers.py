"""A toy recipe handler used by the runtime tests."""

from __future__ import annotations


def toy_copy(ctx) -> None:
    rows = ctx.input_dataset("rows")
    with ctx.output_dataset("copy").writer() as out, ctx.progress(3, "chunks") as bar:
        for chunk in rows.iter_chunks(chunksize=4):
            chunk = chunk.copy()
            chunk["value"] = chunk["value"] * ctx.config["factor"]
            chunk["mode"] = ctx.config["mode"]
            out.write(chunk)
            bar.update(1)
    if ctx.has_output("notes"):
        ctx.output_folder("notes").write_bytes("sub/note.txt", f"flag={ctx.config['flag']}".encode())


def reads_undeclared(ctx) -> None:
    ctx.config["not_declared"]

