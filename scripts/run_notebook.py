#!/usr/bin/env python3
"""Executes a notebook headless, top to bottom, with nbclient, so CI notices when
the analyst notebook no longer runs on the tables the pipeline writes.

The kernel is this venv's ipykernel (kernel name python3, looked up in the venv
only), so the notebook sees the same pyarrow/polars/duckdb as the checks.
The output folder and the figure folder reach the notebook as the environment
variables CRIMEFACTS_OUT and CRIMEFACTS_FIGURES.

Usage: run_notebook.py NOTEBOOK [--out DIR] [--figures DIR] [--save PATH] [--timeout S]
Exit status 1 with the failing cell and its error when a cell fails.
"""
import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import zmq
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

KERNEL = "python3"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def venv_kernel_manager() -> KernelManager:
    """A kernel manager that can only start this interpreter's python3 kernel.

    Jupyter would otherwise also search the user's and the system's kernel
    folders, where a python3 kernel of another Python may shadow the venv's.
    """
    kernels = Path(sys.prefix) / "share" / "jupyter" / "kernels"
    if not (kernels / KERNEL / "kernel.json").is_file():
        subprocess.run([sys.executable, "-m", "ipykernel", "install", "--sys-prefix", "--name", KERNEL],
                       check=True, capture_output=True)
    specs = KernelSpecManager(kernel_dirs=[str(kernels)], ensure_native_kernel=False)
    argv0 = specs.get_kernel_spec(KERNEL).argv[0]
    # jupyter_client starts a bare "python" with sys.executable, i.e. this venv.
    if argv0 not in ("python", "python3") and Path(argv0).resolve() != Path(sys.executable).resolve():
        sys.exit(f"run_notebook: kernel {KERNEL} in {kernels} runs {argv0}, not {sys.executable}; "
                 f"reinstall it with: {sys.executable} -m ipykernel install --sys-prefix --name {KERNEL}")
    # Encrypt the kernel's local TCP sockets when libzmq can (ipykernel warns otherwise).
    encryption = "auto" if zmq.has("curve") else "disabled"
    return KernelManager(kernel_name=KERNEL, kernel_spec_manager=specs, transport_encryption=encryption)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("notebook", type=Path)
    ap.add_argument("--out", type=Path, help="crimefacts output folder (CRIMEFACTS_OUT)")
    ap.add_argument("--figures", type=Path, help="folder the notebook saves its charts to (CRIMEFACTS_FIGURES)")
    ap.add_argument("--save", type=Path, help="write the executed notebook, with outputs, here")
    ap.add_argument("--timeout", type=int, default=600, help="seconds allowed per cell")
    args = ap.parse_args()

    if not args.notebook.is_file():
        sys.exit(f"run_notebook: no notebook at {args.notebook}")
    # Absolute paths: the kernel runs in the notebook's folder, not in ours.
    if args.out:
        if not args.out.is_dir():
            sys.exit(f"run_notebook: output folder {args.out} does not exist; run the pipeline first")
        os.environ["CRIMEFACTS_OUT"] = str(args.out.resolve())
    if args.figures:
        args.figures.mkdir(parents=True, exist_ok=True)
        os.environ["CRIMEFACTS_FIGURES"] = str(args.figures.resolve())

    notebook = nbformat.read(args.notebook, as_version=4)
    km = venv_kernel_manager()
    client = NotebookClient(notebook, km=km, timeout=args.timeout,
                            resources={"metadata": {"path": str(args.notebook.resolve().parent)}})
    started = time.time()
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as e:
        failing = next((i for i, c in enumerate(notebook.cells) if c.cell_type == "code"
                        and any(o.get("output_type") == "error" for o in c.get("outputs", []))), None)
        where = f"cell {failing + 1} of {len(notebook.cells)}" if failing is not None else "a cell"
        # Tracebacks come colored for a terminal; CI logs want plain text.
        sys.exit(f"run_notebook: {args.notebook} failed in {where}:\n{ANSI.sub('', str(e))}")
    finally:
        # nbclient leaves a kernel it did not create running.
        if km.has_kernel:
            km.shutdown_kernel(now=True)
        if args.save:
            args.save.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(notebook, args.save)

    cells = sum(1 for c in notebook.cells if c.cell_type == "code")
    print(f"run_notebook: {args.notebook} ran {cells} code cells in {time.time() - started:.1f} s")
    if args.save:
        print(f"  executed notebook: {args.save}")
    if args.figures:
        figures = sorted(p for p in args.figures.iterdir() if p.stat().st_mtime >= started - 1)
        if figures:
            for figure in figures:
                print(f"  figure: {figure}")
        else:
            print(f"  no figures written to {args.figures} (every chart's table was empty?)")


if __name__ == "__main__":
    main()
