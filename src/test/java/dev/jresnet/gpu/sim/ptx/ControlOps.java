package dev.jresnet.gpu.sim.ptx;

/** bra (optionally guarded), ret, exit and trap. */
final class ControlOps {
    private ControlOps() {
    }

    static Step decode(Site s) {
        switch (s.name) {
            case "bra" -> {
                // .uni only promises that the warp does not diverge; one thread at a time, that changes nothing.
                s.has("uni");
                s.done();
                s.operands(1);
                int target = s.label(0);
                int next = s.next;
                Operand.Register guard = s.instruction.guard();
                if (guard == null) {
                    return (r, launch) -> target;
                }
                int p = guard.slot();
                return guard.negated() ? (r, launch) -> r[p] == 0 ? target : next
                        : (r, launch) -> r[p] != 0 ? target : next;
            }
            case "ret", "exit" -> {
                s.has("uni");
                s.done();
                s.operands(0);
                return (r, launch) -> -1;
            }
            default -> {
                s.done();
                s.operands(0);
                return (r, launch) -> {
                    throw new Fault("trap");
                };
            }
        }
    }
}
