"""A real single-node Slurm cluster for the end-to-end tests, started without systemd.

munged, slurmctld and slurmd run in the foreground as children of the test, on 127.0.0.1 only,
with every file (configuration, key, sockets, state, spool, logs, pid files, job completions)
under one folder. Each bring-up starts from a fresh munge key and empty state: a StateSaveLocation
or spool left by an earlier run would bring back its jobs. Teardown cancels the jobs first (job
steps outlive slurmd), then stops each daemon by its PID and removes the folder.

Used by tests/e2e/test_slurm.py and bench/slurm_array.py.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

DAEMONS = ["munged", "mungekey", "slurmctld", "slurmd"]
CLIENTS = ["sbatch", "squeue", "sinfo", "scancel", "scontrol"]
PACKAGES = "slurmctld slurmd slurm-client munge"


def unavailable_reason():
    """Why a cluster cannot be brought up here, or None when it can."""
    if os.geteuid() != 0:
        return ("the Slurm cluster test runs munged, slurmctld and slurmd as root (no systemd); "
                "this process is not root")
    missing = [name for name in DAEMONS + CLIENTS
               if not shutil.which(name, path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin")]
    if missing:
        return (f"Slurm or munge is not installed (missing {', '.join(missing)}); "
                f"scripts/bootstrap installs the packages {PACKAGES}")
    return None


def _free_ports(count):
    """Ports free on 127.0.0.1 now, so two clusters (or a system one) do not collide."""
    socks = []
    try:
        for _ in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def _which(name):
    return shutil.which(name, path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin")


def _machine_node_line():
    """The node's CPUs, sockets, cores and memory as slurmd itself measures them.

    Configuring more than the machine has would leave the node INVALID; `slurmd -C` gives
    exactly what slurmd will report when it registers."""
    out = subprocess.run([_which("slurmd"), "-C"], stdout=subprocess.PIPE, text=True,
                         check=True, timeout=30).stdout
    line = out.splitlines()[0]
    fields = dict(f.split("=", 1) for f in line.split())
    keep = ["CPUs", "Boards", "SocketsPerBoard", "CoresPerSocket", "ThreadsPerCore", "RealMemory"]
    return " ".join(f"{k}={fields[k]}" for k in keep if k in fields), int(fields["CPUs"])


def _signal(pid, sig):
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


class ClusterError(AssertionError):
    pass


class SlurmCluster:
    """One controller and one compute node on this machine; see the module comment.

    Use as a context manager, or call start() and always stop()."""

    def __init__(self, root, *, min_job_age=300):
        self.root = Path(root)
        self.min_job_age = min_job_age
        self.procs = {}  # daemon name -> Popen, in start order
        self.bringup_s = None
        self.teardown_s = None
        self.cpus = None
        self.node = socket.gethostname().split(".")[0]
        self.jobcomp = self.root / "jobcomp.txt"
        self.conf = self.root / "etc" / "slurm.conf"
        self.munge_socket = self.root / "munge" / "munge.socket.2"

    # --- bring-up ---------------------------------------------------------------------------

    def start(self, timeout=30):
        begin = time.monotonic()
        if self.root.exists():
            shutil.rmtree(self.root)
        for sub in ["etc", "munge", "state", "spool", "log", "run"]:
            (self.root / sub).mkdir(parents=True)
        os.chmod(self.root, 0o755)
        # munged refuses a socket folder that others cannot enter (o+x): clients connect there.
        os.chmod(self.root / "munge", 0o755)
        try:
            self._start_munge()
            self._write_conf()
            self._spawn("slurmctld", [_which("slurmctld"), "-D", "-f", str(self.conf)])
            self._spawn("slurmd", [_which("slurmd"), "-D", "-f", str(self.conf), "-N", self.node])
            self._wait_idle(deadline=begin + timeout)
        except BaseException:
            self.stop()
            raise
        self.bringup_s = time.monotonic() - begin
        return self

    def _start_munge(self):
        key = self.root / "etc" / "munge.key"
        subprocess.run([_which("mungekey"), "--create", "--force", "--keyfile", str(key)],
                       check=True, timeout=30, stdout=subprocess.DEVNULL)
        os.chmod(key, 0o600)
        self._spawn("munged", [
            _which("munged"), "--foreground", "--socket", str(self.munge_socket),
            "--key-file", str(key), "--pid-file", str(self.root / "run" / "munged.pid"),
            "--log-file", str(self.root / "log" / "munged.log"),
            "--seed-file", str(self.root / "state" / "munged.seed"),
            # the temporary folder may sit in a world-writable /tmp; the key is still private
            "--force"])
        deadline = time.monotonic() + 10
        while not self.munge_socket.exists():
            self._check_alive()
            if time.monotonic() > deadline:
                raise ClusterError("munged did not create its socket within 10 s" + self.logs())
            time.sleep(0.01)

    def _write_conf(self):
        ctld_port, node_port = _free_ports(2)
        node_line, self.cpus = _machine_node_line()
        r = self.root
        lines = [
            "ClusterName=ocrbatch-test",
            f"SlurmctldHost={self.node}(127.0.0.1)",
            f"SlurmctldPort={ctld_port}",
            f"SlurmdPort={node_port}",
            "SlurmUser=root",
            "SlurmdUser=root",
            "AuthType=auth/munge",
            "CredType=cred/munge",
            f"AuthInfo=socket={self.munge_socket}",
            f"StateSaveLocation={r / 'state'}",
            f"SlurmdSpoolDir={r / 'spool'}",
            f"SlurmctldPidFile={r / 'run' / 'slurmctld.pid'}",
            f"SlurmdPidFile={r / 'run' / 'slurmd.pid'}",
            f"SlurmctldLogFile={r / 'log' / 'slurmctld.log'}",
            f"SlurmdLogFile={r / 'log' / 'slurmd.log'}",
            "SlurmctldDebug=info",
            "SlurmdDebug=info",
            "MailProg=/bin/true",
            # no cgroups in a container: track and place tasks without them
            "ProctrackType=proctrack/linuxproc",
            "TaskPlugin=task/none",
            "JobAcctGatherType=jobacct_gather/none",
            "MpiDefault=none",
            "SwitchType=switch/none",
            "SelectType=select/cons_tres",
            "SelectTypeParameters=CR_CPU",
            "SchedulerType=sched/builtin",
            # the default batch_sched_delay of 3 s holds back every wave of an array
            "SchedulerParameters=batch_sched_delay=0",
            "ReturnToService=2",
            f"MinJobAge={self.min_job_age}",
            "AccountingStorageType=accounting_storage/none",
            # with no accounting, finished tasks and their exit codes are kept only here
            "JobCompType=jobcomp/filetxt",
            f"JobCompLoc={self.jobcomp}",
            f"PlugStackConfig={r / 'etc' / 'plugstack.conf'}",
            f"NodeName={self.node} NodeAddr=127.0.0.1 NodeHostname={self.node} {node_line} "
            "State=UNKNOWN",
            f"PartitionName=test Nodes={self.node} Default=YES MaxTime=INFINITE State=UP",
        ]
        self.conf.write_text("\n".join(lines) + "\n")
        (r / "etc" / "plugstack.conf").write_text("")

    def _spawn(self, name, argv):
        log = open(self.root / "log" / f"{name}.stdout", "wb")
        try:
            self.procs[name] = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log,
                                                stderr=subprocess.STDOUT, env=self.env(),
                                                start_new_session=True)
        finally:
            log.close()

    def _check_alive(self):
        for name, proc in self.procs.items():
            if proc.poll() is not None:
                raise ClusterError(f"{name} exited with {proc.returncode} during bring-up"
                                   + self.logs())

    def _wait_idle(self, deadline):
        state = ""
        while time.monotonic() < deadline:
            self._check_alive()
            got = subprocess.run([_which("sinfo"), "-h", "-N", "-n", self.node, "-o", "%T"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                 env=self.env(), timeout=10)
            state = got.stdout.strip() or got.stderr.strip()
            if got.returncode == 0 and state == "idle":
                return
            time.sleep(0.05)
        raise ClusterError(f"the node did not become idle (last sinfo: {state!r})" + self.logs())

    # --- use --------------------------------------------------------------------------------

    def env(self, extra=None):
        """The environment for Slurm's commands: they find the cluster through SLURM_CONF."""
        env = dict(os.environ)
        env["SLURM_CONF"] = str(self.conf)
        env["PATH"] = env.get("PATH", "") + ":/usr/sbin:/sbin"
        for key, value in (extra or {}).items():  # a value of None removes the variable
            if value is None:
                env.pop(key, None)
            else:
                env[key] = value
        return env

    def command(self, argv, *, check=True, timeout=30, env=None, cwd=None):
        got = subprocess.run([str(a) for a in argv], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=self.env(env), cwd=cwd,
                             timeout=timeout)
        if check and got.returncode != 0:
            raise ClusterError(f"{argv} exited with {got.returncode}: {got.stderr.strip()}"
                               + self.logs())
        return got

    def sbatch(self, args, *, env=None, cwd=None):
        """Submits a job (sbatch ARGS...); returns its job id."""
        got = self.command([_which("sbatch"), "--parsable"] + list(args), env=env, cwd=cwd)
        return int(got.stdout.strip().split(";")[0])

    def wait(self, job, timeout=60, interval=0.05):
        """Waits until no task of job is queued or running.

        Polls squeue: `sbatch --wait` backs off to 2, 8 and then 32 s between its checks."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = self.command([_which("squeue"), "-h", "-j", job, "-o", "%i %T"], check=False)
            # a job that has left squeue's view (past MinJobAge) is reported as an error
            if got.returncode == 0 and not got.stdout.strip():
                return
            if got.returncode != 0 and "Invalid job id" in got.stderr:
                return
            time.sleep(interval)
        raise ClusterError(f"job {job} still queued or running after {timeout} s: "
                           f"{got.stdout.strip()}" + self.logs())

    def completions(self, job):
        """The job-completion records of an array job's tasks: {task id: fields}."""
        tasks = {}
        if not self.jobcomp.exists():
            return tasks
        for line in self.jobcomp.read_text().splitlines():
            fields = dict(re.findall(r"(\w+)=(\S*)", line))
            if fields.get("ArrayJobId") == str(job) or fields.get("JobId") == str(job):
                tasks[int(fields.get("ArrayTaskId", 0))] = fields
        return tasks

    def wait_completions(self, job, count, timeout=10):
        """The completion records once all `count` tasks have one (slurmctld writes them
        when each task ends, which squeue can report a moment earlier)."""
        deadline = time.monotonic() + timeout
        while True:
            tasks = self.completions(job)
            if len(tasks) >= count or time.monotonic() > deadline:
                return tasks
            time.sleep(0.05)

    def logs(self, lines=30):
        """The last lines of each daemon's log, for a failure message."""
        text = []
        for path in sorted((self.root / "log").glob("*")):
            try:
                tail = path.read_text(errors="replace").splitlines()[-lines:]
            except OSError:
                continue
            if tail:
                text.append(f"--- {path.name}\n" + "\n".join(tail))
        return ("\n" + "\n".join(text)) if text else ""

    # --- teardown ---------------------------------------------------------------------------

    def stop(self):
        begin = time.monotonic()
        try:
            self._cancel_jobs()
        finally:
            for name in reversed(list(self.procs)):
                self._stop_daemon(self.procs[name])
            self.procs.clear()
            self._stop_leftovers()
            shutil.rmtree(self.root, ignore_errors=True)
            self.teardown_s = time.monotonic() - begin

    def _cancel_jobs(self, timeout=10):
        """Cancels every job and waits until their steps are gone: a step's slurmstepd and
        its processes outlive slurmd, and only slurmd tells them to stop."""
        ctld = self.procs.get("slurmctld")
        if ctld is None or ctld.poll() is not None:
            return
        self.command([_which("scancel"), "--full", "--user", "root"], check=False)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = self.command([_which("squeue"), "-h", "-o", "%i"], check=False)
            if (got.returncode != 0 or not got.stdout.strip()) and not self._step_sockets():
                return
            time.sleep(0.05)

    def _step_sockets(self):
        """The sockets each live slurmstepd keeps in the spool folder (NODE_JOB.STEP)."""
        spool = self.root / "spool"
        return [p for p in spool.glob(f"{self.node}_*") if p.is_socket()]

    def _stop_leftovers(self, grace=2):
        """Stops any process still carrying this cluster's SLURM_CONF, by PID: a step that
        started while the jobs were being cancelled escapes the cancel."""
        pids = self._cluster_pids()
        for pid in pids:
            _signal(pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        while pids and time.monotonic() < deadline:
            time.sleep(0.05)
            pids = self._cluster_pids()
        for pid in pids:
            _signal(pid, signal.SIGKILL)

    def _cluster_pids(self):
        marker = f"SLURM_CONF={self.conf}".encode() + b"\0"
        pids = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit() or int(entry) == os.getpid():
                continue
            try:
                with open(f"/proc/{entry}/environ", "rb") as f:
                    environ = f.read() + b"\0"
                with open(f"/proc/{entry}/stat", "rb") as f:
                    zombie = f.read().rsplit(b")", 1)[-1].split()[0] == b"Z"
            except OSError:
                continue
            if not zombie and (environ.startswith(marker) or b"\0" + marker in environ):
                pids.append(int(entry))
        return pids

    @staticmethod
    def _stop_daemon(proc, grace=5):
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(grace)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False
