;; grow_declared_max: the module's own maximum is 2 pages; growing past it returns -1 as the
;; spec says, and the program then exits 7 (the host limit is not what stopped it).
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1 2)
  (func (export "_start")
    (drop (memory.grow (i32.const 1)))
    (if (i32.eq (memory.grow (i32.const 1)) (i32.const -1)) (then (call $proc_exit (i32.const 7))))
    (call $proc_exit (i32.const 0))))
