// A stand-in for mpirun in the launcher tests (no MPI here): `--version` names the flavour given by
// FAKE_MPI (openmpi | mpich); otherwise runs -n N copies of the command on this machine with the
// -x K=V (Open MPI) or -env K V (MPICH) variables and the rank in OMPI_COMM_WORLD_RANK / PMI_RANK,
// and exits with the first non-zero code. Each call is logged to FAKE_MPI_LOG.
const { spawn } = require('node:child_process');
const { appendFileSync } = require('node:fs');
const argv = process.argv.slice(2), flavour = process.env.FAKE_MPI ?? 'openmpi';
if (argv[0] === '--version') {
  console.log(flavour === 'mpich' ? 'HYDRA build details:\n    Version: 4.0\n    mpich' : 'mpirun (Open MPI) 4.1.4');
  process.exit(0);
}
if (process.env.FAKE_MPI_LOG) appendFileSync(process.env.FAKE_MPI_LOG, JSON.stringify(argv) + '\n');
let n = 1; const env = {}; let i = 0;
for (; i < argv.length; i++) {
  const a = argv[i];
  if (a === '-n' || a === '-np') n = Number(argv[++i]);
  else if (a === '-x') { const [k, ...v] = argv[++i].split('='); env[k] = v.join('='); }
  else if (a === '-env') { env[argv[i + 1]] = argv[i + 2]; i += 2; }
  else if (a === '--hostfile' || a === '-hostfile') i++;
  else break;
}
const cmd = argv.slice(i);
let code = 0, left = n;
const kids = [];
process.on('SIGTERM', () => { for (const c of kids) c.kill('SIGTERM'); process.exit(143); });
for (let r = 0; r < n; r++) {
  const rankVar = flavour === 'mpich' ? { PMI_RANK: String(r) } : { OMPI_COMM_WORLD_RANK: String(r) };
  const c = spawn(cmd[0], cmd.slice(1), { env: { ...process.env, ...env, ...rankVar }, stdio: 'inherit' });
  kids.push(c);
  c.on('exit', (c2, sig) => { if (!code && c2 !== 0) code = c2 ?? 1; if (--left === 0) process.exit(code); });
}
