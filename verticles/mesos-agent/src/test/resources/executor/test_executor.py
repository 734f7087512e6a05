#!/usr/bin/env python3
"""A small custom executor speaking the v1 executor HTTP API, as a framework would ship one.

It subscribes to the agent named by MESOS_AGENT_ENDPOINT, reports each launched task TASK_RUNNING,
sends its framework a message (the task id, a NUL and the bytes 0x80-0xff, to show bytes arrive
unchanged), waits for a message from the framework, writes it to <sandbox>/message-<task>, reports the task
TASK_FINISHED, and exits once the agent acknowledged all its updates (or on SHUTDOWN). A KILL ends
the task TASK_KILLED.

Like the Mesos executor library with MESOS_CHECKPOINT=1, it survives a restart of the agent: when
its event stream ends it subscribes again, waiting a random time up to MESOS_SUBSCRIPTION_BACKOFF_MAX
between tries, for at most MESOS_RECOVERY_TIMEOUT, and lists the tasks and updates it has no
acknowledgement for. While it is cut off it records a TASK_RUNNING update "reconnecting to the
agent" for each task it runs, which reaches the agent with the new SUBSCRIBE.

For tests, through its environment:
  TEST_EXECUTOR_NO_RECONNECT=1  stays alive but never subscribes again after losing the agent;
  TEST_EXECUTOR_EAT_MB=<n>      after reporting a task running, touches n MiB of memory.
  TEST_EXECUTOR_WAIT_FOR=<name>  subscribes only once <sandbox>/<name> exists.
It writes its pid to <sandbox>/executor.pid.
"""
import base64
import http.client
import json
import os
import random
import re
import sys
import time
import uuid

HOST, PORT = os.environ["MESOS_AGENT_ENDPOINT"].rsplit(":", 1)
FRAMEWORK = {"value": os.environ["MESOS_FRAMEWORK_ID"]}
EXECUTOR = {"value": os.environ["MESOS_EXECUTOR_ID"]}
HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}
CHECKPOINT = os.environ.get("MESOS_CHECKPOINT") in ("1", "true")


def duration(text, default):
    """A Mesos duration such as '2secs', '500ms' or '15mins', in seconds."""
    m = re.fullmatch(r"([0-9.]+)\s*(ns|us|ms|secs|mins|hrs|days|weeks)", (text or "").strip())
    if not m:
        return default
    scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "secs": 1, "mins": 60, "hrs": 3600, "days": 86400, "weeks": 604800}
    return float(m.group(1)) * scale[m.group(2)]


RECOVERY_TIMEOUT = duration(os.environ.get("MESOS_RECOVERY_TIMEOUT"), 900)
BACKOFF_MAX = duration(os.environ.get("MESOS_SUBSCRIPTION_BACKOFF_MAX"), 2)


def log(*args):
    print(*args, flush=True)


class AgentGone(Exception):
    pass


def call(body):
    """Sends a call; AgentGone when the agent cannot be reached."""
    try:
        conn = http.client.HTTPConnection(HOST, int(PORT), timeout=30)
        conn.request("POST", "/api/v1/executor", json.dumps(body), HEADERS)
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
    except OSError as e:
        raise AgentGone(str(e))
    if resp.status != 202:
        sys.exit("%s answered %d: %s" % (body["type"], resp.status, data))


class Executor:
    def __init__(self):
        self.unacked_updates = {}  # uuid -> Call.Update
        self.unacked_tasks = {}    # task id -> TaskInfo, until an update of it is acknowledged
        self.running = []          # task ids (JSON objects) waiting for a framework message
        self.finished = 0

    def update(self, task_id, state, message):
        uid = base64.b64encode(uuid.uuid4().bytes).decode()
        upd = {"status": {"task_id": task_id, "state": state, "uuid": uid, "message": message, "source": "SOURCE_EXECUTOR"}}
        self.unacked_updates[uid] = upd
        try:
            call({"type": "UPDATE", "framework_id": FRAMEWORK, "executor_id": EXECUTOR, "update": upd})
        except AgentGone:
            pass  # sent again with the next SUBSCRIBE

    def message(self, data):
        try:
            call({"type": "MESSAGE", "framework_id": FRAMEWORK, "executor_id": EXECUTOR,
                  "message": {"data": base64.b64encode(data).decode()}})
        except AgentGone:
            pass  # messages are best effort

    def subscribe(self):
        """Opens the event stream; None when the agent cannot be reached."""
        body = {"type": "SUBSCRIBE", "framework_id": FRAMEWORK, "executor_id": EXECUTOR,
                "subscribe": {"unacknowledged_tasks": list(self.unacked_tasks.values()),
                              "unacknowledged_updates": list(self.unacked_updates.values())}}
        try:
            conn = http.client.HTTPConnection(HOST, int(PORT))
            conn.request("POST", "/api/v1/executor", json.dumps(body), HEADERS)
            stream = conn.getresponse()
        except OSError:
            return None
        if stream.status != 200:
            sys.exit("SUBSCRIBE answered %d: %s" % (stream.status, stream.read()))
        return stream

    def events(self, stream):
        """Handles events until the stream ends (returns False) or the executor is done (returns True)."""
        while True:
            try:
                line = stream.readline()
                if not line:
                    return False
                event = json.loads(stream.read(int(line.strip())))
            except (OSError, ValueError, http.client.HTTPException):
                return False
            kind = event["type"]
            log("event", kind)
            if kind == "LAUNCH":
                task = event["launch"]["task"]
                task_id = task["task_id"]
                self.unacked_tasks[task_id["value"]] = task
                self.running.append(task_id)
                self.update(task_id, "TASK_RUNNING", "running in the test executor")
                self.message(task_id["value"].encode() + b"\x00" + bytes(range(0x80, 0x100)))
                eat = int(os.environ.get("TEST_EXECUTOR_EAT_MB", "0"))
                if eat:
                    hog = [bytes([7]) * (1 << 20) for _ in range(eat)]
                    log("holding", len(hog), "MiB")
            elif kind == "MESSAGE" and self.running:
                task_id = self.running.pop(0)
                data = base64.b64decode(event["message"]["data"]).decode()
                with open(os.path.join(os.environ["MESOS_SANDBOX"], "message-" + task_id["value"]), "w") as f:
                    f.write(data)
                self.update(task_id, "TASK_FINISHED", "got: " + data)
                self.finished += 1
            elif kind == "KILL":
                task_id = event["kill"]["task_id"]
                self.running = [t for t in self.running if t != task_id]
                self.update(task_id, "TASK_KILLED", "killed by the test executor")
                self.finished += 1
            elif kind == "ACKNOWLEDGED":
                self.unacked_updates.pop(event["acknowledged"]["uuid"], None)
                self.unacked_tasks.pop(event["acknowledged"]["task_id"]["value"], None)
            elif kind == "SHUTDOWN":
                return True
            if self.finished and not self.running and not self.unacked_updates:
                return True

    def cut_off(self):
        """The agent went away: each running task gets an update saying so, delivered with the next SUBSCRIBE."""
        for task_id in self.running:
            uid = base64.b64encode(uuid.uuid4().bytes).decode()
            self.unacked_updates[uid] = {"status": {"task_id": task_id, "state": "TASK_RUNNING", "uuid": uid,
                                                    "message": "reconnecting to the agent", "source": "SOURCE_EXECUTOR"}}


def main():
    with open(os.path.join(os.environ["MESOS_SANDBOX"], "executor.pid"), "w") as f:
        f.write(str(os.getpid()))
    wait_for = os.environ.get("TEST_EXECUTOR_WAIT_FOR")
    while wait_for and not os.path.exists(os.path.join(os.environ["MESOS_SANDBOX"], wait_for)):
        time.sleep(0.05)
    executor = Executor()
    stream = executor.subscribe()
    if stream is None:
        sys.exit("cannot reach the agent at %s:%s" % (HOST, PORT))
    while not executor.events(stream):
        log("disconnected from the agent")
        if os.environ.get("TEST_EXECUTOR_NO_RECONNECT") == "1":
            while True:
                time.sleep(3600)
        if not CHECKPOINT:
            break
        executor.cut_off()
        deadline = time.monotonic() + RECOVERY_TIMEOUT
        stream = None
        while stream is None and time.monotonic() < deadline:
            time.sleep(random.uniform(0, BACKOFF_MAX))
            stream = executor.subscribe()
        if stream is None:
            sys.exit("the agent did not come back within MESOS_RECOVERY_TIMEOUT")
        log("subscribed again")
    log("exiting")


if __name__ == "__main__":
    main()
