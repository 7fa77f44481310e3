; inherits: ecma
; TypeScript shares every pattern with JavaScript. Optional fields
; (`customer?: Customer`) and optional parameters are read from the
; declarations by server/src/hazards/ecma.rs, not matched here.
