;; env_import: imports a function the host does not offer.
(module
  (import "env" "launch" (func $launch))
  (memory (export "memory") 1)
  (func (export "_start") (call $launch)))
