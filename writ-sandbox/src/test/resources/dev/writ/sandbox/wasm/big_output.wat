;; big_output: writes 100000 bytes to stdout: the byte i mod 251 at position i, 1000 bytes per
;; fd_write, 100 times.
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "\00\01\00\00\e8\03\00\00")
  (func (export "_start")
    (local $i i32) (local $round i32)
    (loop $rounds
      ;; fill 1000 bytes at 256 with (round*1000 + i) mod 251
      (local.set $i (i32.const 0))
      (loop $fill
        (i32.store8 (i32.add (i32.const 256) (local.get $i))
          (i32.rem_u (i32.add (i32.mul (local.get $round) (i32.const 1000)) (local.get $i))
            (i32.const 251)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $fill (i32.lt_u (local.get $i) (i32.const 1000))))
      (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
      (local.set $round (i32.add (local.get $round) (i32.const 1)))
      (br_if $rounds (i32.lt_u (local.get $round) (i32.const 100))))))
