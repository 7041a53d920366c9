#!/usr/bin/env python3
"""psum_mpi across hosts made of namespaces (tests/tools/hosts.sh), as root:
the reduction against the link (unshaped and tc tbf rates), strong and weak
scaling over 1..K hosts, the N below which the network costs more than the
local sums, and the model "parallel time = local sum + reduction" against
the measured time.  Writes a result set, results/<machine>/<UTC time>-hosts/
(psumbench/hosts.py says what it holds and how it is measured).

  bench/hosts.py [--quick] [--hosts K] [--rates R,...] [-n N] [--link-n N] [--per-host N]
                 [--sizes N,...] [--processes P] [--repeat R] [--seed S]
  bench/hosts.py --quote FILE [--check]
      rewrite (--check: compare, exit 1 where they differ) FILE's passages
      <!-- hosts-quote SET --> ... <!-- /hosts-quote --> from the set SET
      (relative to FILE's folder)

Exit 2 with one line on a bad option, when not root, or when namespaces
cannot be made here; 1 when a run fails or does not sum exactly (the set
then says complete: false)."""
import json
import os
import random
import re
import shutil
import sys
import tempfile
import time

from psumbench import (aggregate, hosts, machine as machine_record, mpi, orchestrate, plots,
                       results, runs, tables)
from psumbench.records import RecordWriter, read_records
from psumbench.args import Parser, count_list_type, count_type
from psumbench.files import one_line, read_json, write_atomic

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ME = "hosts.py"
SMOKE_BANNER = ("**SMOKE RUN** (`--quick`): small N, few repetitions; these figures check "
                "the wiring and are no results.\n\n")
QUOTE = re.compile(r"(<!-- hosts-quote (?P<set>[^\n]*?) -->\n)(?P<body>.*?)(<!-- /hosts-quote -->)",
                   re.S)


def parse_args(argv):
    p = Parser(prog="bench/hosts.py",
               description="psum_mpi across hosts made of namespaces: the reduction against "
                           "the link, scaling over hosts, the crossover N and the model "
                           "time = local sum + reduction. Needs root.")
    p.add_argument("--hosts", type=count_type(10**6), default=None,
                   help="hosts of the bed, at least 2 and at most what hosts.sh makes "
                        "(default 4; 2 with --quick)")
    p.add_argument("--rates", default=None,
                   help="tbf rates of the link study besides the unshaped link, in hosts.sh's "
                        "grammar (default 100mbit,10mbit,1mbit,100kbit; 10mbit with --quick)")
    p.add_argument("-n", type=count_type("elements_max"), default=None,
                   help="N of the strong study (default 1e9; 1e6 with --quick)")
    p.add_argument("--link-n", type=count_type("elements_max"), default=None,
                   help="N of the link study, small so the local sums are short "
                        "(default 1e6; 1e5 with --quick)")
    p.add_argument("--per-host", type=count_type("elements_max"), default=None,
                   help="N per host of the weak study (default 2.5e8; 1e6 with --quick)")
    p.add_argument("--sizes", type=count_list_type("elements_max"), default=None,
                   help="N of the local sum's fit, on one host (default 1e6,1e7,1e8,1e9; "
                        "1e5,1e6 with --quick)")
    p.add_argument("--processes", type=count_type(100), default=None,
                   help="processes (mpirun starts) per configuration, interleaved "
                        "(default 3; 1 with --quick)")
    p.add_argument("--repeat", type=count_type("repeat_max"), default=None,
                   help="repetitions per process (default 20; 3 with --quick)")
    p.add_argument("--seed", type=count_type(2**32), default=None,
                   help="seed of the interleaved order (default: a fresh one, recorded)")
    p.add_argument("--quick", action="store_true", help="a smoke run of under a minute")
    p.add_argument("--build", default=os.path.join(REPO, "build"),
                   help="Meson build folder holding psum_omp and psum_mpi (default build)")
    p.add_argument("--out", default=os.path.join(REPO, "results"),
                   help="results root (default results/)")
    p.add_argument("--quote", metavar="FILE",
                   help="run nothing: write FILE's hosts-quote passages from their sets")
    p.add_argument("--check", action="store_true",
                   help="with --quote: write nothing, exit 1 where a passage differs")
    args = p.parse_args(argv)
    if args.check and not args.quote:
        p.error("--check needs --quote FILE")
    if not args.out:
        p.error("invalid value '' for --out: expected a folder (default results/)")
    q = args.quick
    args.hosts = args.hosts or (2 if q else 4)
    if args.hosts < 2:
        p.error(f"invalid value '{args.hosts}' for --hosts: expected at least 2")
    text = args.rates
    if text is None:
        text = "10mbit" if q else "100mbit,10mbit,1mbit,100kbit"
    args.rates = {}
    for rate in filter(None, text.split(",")):
        try:
            args.rates[rate] = hosts.rate_bits(rate)
        except ValueError as e:
            p.error(f"invalid value '{rate}' for --rates: {e}")
    args.n = args.n or (10**6 if q else 10**9)
    args.link_n = args.link_n or (10**5 if q else 10**6)
    args.per_host = args.per_host or (10**6 if q else 25 * 10**7)
    args.sizes = args.sizes or ([10**5, 10**6] if q else [10**6, 10**7, 10**8, 10**9])
    if len(set(args.sizes)) < 2:
        sizes = ",".join(str(n) for n in args.sizes)
        p.error(f"invalid value '{sizes}' for --sizes: the fit needs two different sizes")
    args.processes = args.processes or (1 if q else 3)
    args.repeat = args.repeat or (3 if q else 20)
    return args


def write(outdir, name, text):
    write_atomic(os.path.join(outdir, name), text)


def report(outdir, records, machine, meta):
    """hosts.md, hosts.csv and the plots, from the records alone."""
    banner = SMOKE_BANNER if meta["quick"] else ""
    write(outdir, "hosts.md", tables.hosts_markdown(records, meta, banner)
          + "\n## Machine\n\n" + machine_record.markdown(machine))
    write(outdir, "hosts.csv", tables.hosts_csv_text(records))
    caption = (f"{machine['cpu_model']}, {machine['logical_cpus']} logical CPUs shared by "
               f"{meta['hosts']} hosts; {machine['date'][:10]}, commit "
               f"{(machine['git_commit'] or '?')[:10]}")
    frame = plots.Frame(caption, "SMOKE RUN, no results: " if meta["quick"] else "")
    figs = aggregate.hosts_figures(records)
    for draw, extra in ((plots.hosts_links, (meta["hosts"],)), (plots.hosts_scaling, ())):
        try:
            draw(outdir, figs, *extra, frame)
        except plots.GnuplotMissing as e:
            print(f"{ME}: warning: {e}: the plots are skipped", file=sys.stderr)
            return


def measure(args, bed, plan, jobs, machine, seed, mpirun, binary, env):
    """Every run on the bed, each record written to the new set's runs.jsonl
    as it comes; returns (records, the set's folder, its meta)."""
    try:
        outdir = results.new_run_dir(args.out, machine_record.slug(machine), args.quick,
                                     kind="hosts")
    except RuntimeError as e:
        raise runs.RunFailed(str(e)) from None
    meta = {"hosts": args.hosts, "rates_bps": args.rates, "n": args.n, "link_n": args.link_n,
            "per_host": args.per_host, "sizes": args.sizes, "processes": args.processes,
            "repeat": args.repeat, "seed": seed, "quick": args.quick,
            "logical_cpus": machine["logical_cpus"], "git_commit": machine["git_commit"],
            "command": "bench/hosts.py " + " ".join(sys.argv[1:]), "bed_id": bed.id,
            "complete": False}
    if args.quick:
        print(f"{ME}: SMOKE RUN (--quick): its figures are no results", file=sys.stderr)
    print(f"{ME}: {len(jobs)} runs on {args.hosts} hosts (order seed {seed}), results in "
          f"{outdir}", file=sys.stderr)
    write(outdir, "machine.json", json.dumps(machine, indent=2) + "\n")
    write(outdir, "machine.md", machine_record.markdown(machine))
    write(outdir, "hosts_run.json", json.dumps(meta, indent=2) + "\n")
    records = []
    writer = RecordWriter(os.path.join(outdir, "runs.jsonl"))
    started = time.monotonic()
    try:
        for i, (key, process) in enumerate(jobs):
            link, h, n = key
            print(f"{ME}: [{i + 1}/{len(jobs)}] {h} host(s), link {link}, N={n:,}, process "
                  f"{process + 1}", file=sys.stderr)
            doc = hosts.run_one(bed, mpirun, binary, key, args.repeat, env)
            record = {"sweep": "hosts", "kind": "psum_mpi", "process": process,
                      "config": {"link": link, "rate_bps": args.rates.get(link),
                                 "hosts": h, "n": n, "repeat": args.repeat,
                                 "studies": plan[key]},
                      "doc": doc}
            writer.write(record)
            records.append(record)
        bed.shape(hosts.UNSHAPED)
    except (KeyboardInterrupt, SystemExit):
        print(f"{ME}: stopped; {outdir} holds the finished runs and says complete: false",
              file=sys.stderr)
        raise
    except runs.RunFailed as e:
        raise runs.RunFailed(f"{e}; {outdir} is incomplete") from None
    finally:
        writer.close()
    meta["elapsed_s"] = round(time.monotonic() - started, 1)
    return records, outdir, meta


def sweep(args):
    why = hosts.cannot_make_hosts()
    if why:
        print(f"{ME}: cannot make hosts here: {why}", file=sys.stderr)
        return 2
    found, why = mpi.availability(args.build)
    if found is None:
        print(f"{ME}: {why}", file=sys.stderr)
        return 1
    mpirun, binary = found
    binary = os.path.abspath(binary)
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    psum_omp = os.path.join(args.build, "src", "psum_omp")
    machine = machine_record.record(orchestrate.probe(psum_omp, env), psum_omp, args.build, REPO, env)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1, 2**32)
    plan = hosts.configs(args.hosts, args.rates, args.n, args.per_host, args.sizes,
                         args.link_n)
    jobs = hosts.order(plan, args.processes, seed)
    root = tempfile.mkdtemp(prefix="psum-hosts-sweep.")
    bed = None
    try:
        try:
            bed = hosts.Bed(root, args.hosts)
        except hosts.Refused as e:
            print(f"{ME}: invalid value '{args.hosts}' for --hosts: {e}", file=sys.stderr)
            return 2
        records, outdir, meta = measure(args, bed, plan, jobs, machine, seed, mpirun, binary,
                                        env)
    finally:
        if bed is not None:
            bed.down()
        shutil.rmtree(root, ignore_errors=True)
    report(outdir, records, machine, meta)
    meta["complete"] = True
    write(outdir, "hosts_run.json", json.dumps(meta, indent=2) + "\n")
    if not args.quick:
        results.write_index(args.out)
    with open(os.path.join(outdir, "hosts.md"), encoding="utf-8") as f:
        print(f.read())
    print(f"{ME}: result set written to {outdir}", file=sys.stderr)
    return 0


def read_set(setdir):
    """(records, meta) of a complete hosts set; ValueError otherwise."""
    meta = read_json(os.path.join(setdir, "hosts_run.json"))
    if meta.get("complete") is not True:
        raise ValueError(f"{setdir} is not a complete hosts set")
    damaged = []
    records = read_records(os.path.join(setdir, "runs.jsonl"), damaged.append)
    if damaged or not records:
        raise ValueError(f"{setdir}: runs.jsonl damaged or empty")
    return records, meta


def quote(path, check):
    """--quote: FILE's passages from their sets; with check, exit 1 where
    one differs."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    folder = os.path.dirname(os.path.abspath(path))
    changed = []

    def one(m):
        setdir = m.group("set").strip()
        records, meta = read_set(os.path.join(folder, setdir))
        body = tables.hosts_passage(records, meta, setdir)
        if body != m.group("body"):
            changed.append(setdir)
        return m.group(1) + body + m.group(4)
    new = QUOTE.sub(one, text)
    if new == text and not QUOTE.search(text):
        print(f"{ME}: {path}: no hosts-quote passage", file=sys.stderr)
        return 1
    if check:
        for setdir in changed:
            print(f"{ME}: {path}: the passage of {setdir} differs from its set "
                  "(bench/hosts.py --quote rewrites it)", file=sys.stderr)
        return 1 if changed else 0
    if changed:
        write_atomic(path, new)
        print(f"{ME}: {path}: {len(changed)} passage(s) rewritten", file=sys.stderr)
    return 0


def main(argv):
    args = parse_args(argv)
    runs.exit_on_ending_signals()
    try:
        if args.quote:
            return quote(args.quote, args.check)
        return sweep(args)
    except KeyboardInterrupt:
        print(f"{ME}: interrupted", file=sys.stderr)
        return 130
    except (runs.RunFailed, RuntimeError, OSError, ValueError, LookupError, TypeError) as e:
        print(f"{ME}: {one_line(str(e))}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
