#!/usr/bin/env python3
"""A small custom executor speaking the v1 executor HTTP API, as a framework would ship one.

It subscribes to the agent named by MESOS_AGENT_ENDPOINT, reports each launched task TASK_RUNNING,
sends its framework a message (the task id, a NUL and the bytes 0x80-0xff, to show bytes arrive
unchanged), waits for a message from the framework, writes it to <sandbox>/message-<task>, reports the task
TASK_FINISHED, and exits once the agent acknowledged all its updates (or on SHUTDOWN).
"""
import base64
import http.client
import json
import os
import sys
import uuid

HOST, PORT = os.environ["MESOS_AGENT_ENDPOINT"].rsplit(":", 1)
FRAMEWORK = {"value": os.environ["MESOS_FRAMEWORK_ID"]}
EXECUTOR = {"value": os.environ["MESOS_EXECUTOR_ID"]}
HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}


def log(*args):
    print(*args, flush=True)


def call(body):
    conn = http.client.HTTPConnection(HOST, int(PORT), timeout=30)
    conn.request("POST", "/api/v1/executor", json.dumps(body), HEADERS)
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    if resp.status != 202:
        sys.exit("%s answered %d: %s" % (body["type"], resp.status, data))


def update(task_id, state, message):
    uid = base64.b64encode(uuid.uuid4().bytes).decode()
    call({"type": "UPDATE", "framework_id": FRAMEWORK, "executor_id": EXECUTOR,
          "update": {"status": {"task_id": task_id, "state": state, "uuid": uid, "message": message,
                                "source": "SOURCE_EXECUTOR"}}})
    return uid


def message(data):
    call({"type": "MESSAGE", "framework_id": FRAMEWORK, "executor_id": EXECUTOR,
          "message": {"data": base64.b64encode(data).decode()}})


def main():
    conn = http.client.HTTPConnection(HOST, int(PORT))
    conn.request("POST", "/api/v1/executor", json.dumps(
        {"type": "SUBSCRIBE", "framework_id": FRAMEWORK, "executor_id": EXECUTOR, "subscribe": {}}), HEADERS)
    stream = conn.getresponse()
    if stream.status != 200:
        sys.exit("SUBSCRIBE answered %d: %s" % (stream.status, stream.read()))
    unacknowledged = set()
    running = []
    finished = 0
    while True:
        line = stream.readline()
        if not line:
            break
        event = json.loads(stream.read(int(line.strip())))
        kind = event["type"]
        log("event", kind)
        if kind == "LAUNCH":
            task_id = event["launch"]["task"]["task_id"]
            running.append(task_id)
            unacknowledged.add(update(task_id, "TASK_RUNNING", "running in the test executor"))
            message(task_id["value"].encode() + b"\x00" + bytes(range(0x80, 0x100)))
        elif kind == "MESSAGE" and running:
            task_id = running.pop(0)
            data = base64.b64decode(event["message"]["data"]).decode()
            with open(os.path.join(os.environ["MESOS_SANDBOX"], "message-" + task_id["value"]), "w") as f:
                f.write(data)
            unacknowledged.add(update(task_id, "TASK_FINISHED", "got: " + data))
            finished += 1
        elif kind == "KILL":
            unacknowledged.add(update(event["kill"]["task_id"], "TASK_KILLED", "killed by the test executor"))
            finished += 1
        elif kind == "ACKNOWLEDGED":
            unacknowledged.discard(event["acknowledged"]["uuid"])
        elif kind == "SHUTDOWN":
            break
        if finished and not running and not unacknowledged:
            break
    log("exiting")


if __name__ == "__main__":
    main()
