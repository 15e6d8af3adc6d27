;; big_memory: declares 100 initial pages (6.25 MiB).
(module
  (memory (export "memory") 100)
  (func (export "_start")))
