;; loop: branches back forever; only fuel or the wall clock stops it.
(module
  (memory (export "memory") 1)
  (func (export "_start") (loop $forever (br $forever))))
