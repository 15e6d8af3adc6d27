;; open_inside: path_open("inside.txt") on fd 3 (the first preopen) for reading; exits with the WASI
;; errno (0 when the open succeeded).
(module
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 64) "inside.txt")
  (func (export "_start")
    ;; fd 3, no lookup flags, path at 64, no open flags, rights fd_read (2), fd written at 32
    (call $proc_exit
      (call $path_open (i32.const 3) (i32.const 0) (i32.const 64) (i32.const 10)
        (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 32)))))
