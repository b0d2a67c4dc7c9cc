import time
from tests.conftest import open_first_activity

def test_time(phone, workshop, app):
    open_first_activity(workshop)
    for rnd in range(4):
        t = time.perf_counter()
        for i in range(100):
            r = phone.post(f"/j/{workshop.join_code}/ideas", data={"text": f"idea number {i} {rnd}", "key": f"key-{rnd}-{i:08d}"})
            assert r.status_code == 200
        print("ms per send", (time.perf_counter() - t) * 10)
