import { ProjenStruct, Struct } from '@mrgrain/jsii-struct-builder';
import { awscdk, javascript } from 'projen';
import { JobPermission } from 'projen/lib/github/workflows-model';

/** The repository and each registry's name for the package, in one place: change them here, then run `npx projen`. */
const OWNER = 'example';
const REPOSITORY = 'cdk-irsa';
/** The versions CI installs; the workflows install the same ones. */
const CI_VERSIONS = { node: '20', python: '3.11', java: '17', go: '1.26.8' };

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-irsa',
  // What npm, PyPI, Maven Central and Construct Hub list (test/projenrc/package-metadata.test.ts).
  description:
    'IAM roles for Kubernetes ServiceAccounts in the AWS CDK: IRSA and EKS Pod Identity with trust pinned to one ' +
    'ServiceAccount, the ServiceAccounts as cdk8s manifests, roles for 11 add-ons, an audit of every role\'s trust, ' +
    'and no custom-resource Lambdas.',
  keywords: ['aws-cdk', 'awscdk', 'cdk8s', 'eks', 'irsa', 'pod-identity', 'iam', 'kubernetes', 'oidc', 'service-account'],
  homepage: `https://github.com/${OWNER}/${REPOSITORY}#readme`,
  author: 'cdk-irsa developers',
  authorAddress: 'dev@example.com',
  repositoryUrl: `https://github.com/${OWNER}/${REPOSITORY}.git`,
  defaultReleaseBranch: 'main',
  license: 'Apache-2.0',

  // The floor is the newest aws-cdk-lib that every language's registry CI installs from serves (Maven Central: 2.263.0); the
  // Java app runs on it and `check:languages` type-checks src against it. Development uses 2.276.0 (below).
  cdkVersion: '2.263.0',
  jsiiVersion: '~6.0.0',
  projenrcTs: true,
  packageManager: javascript.NodePackageManager.NPM,

  // Pull requests run `.ci/run` (the workflow `ci`, below); main releases with the version from conventional commits
  // to npm, PyPI, Maven Central and the Go module repository, and dependencies are upgraded by a weekly workflow.
  github: true,
  githubOptions: { mergify: false, pullRequestLint: true },
  buildWorkflow: false,
  release: true,
  releaseToNpm: true,
  depsUpgrade: true,
  stability: 'experimental',

  // jsii-pacmak builds these into dist/<language>; test/languages/<language> proves each in a CDK app of its own.
  // .NET is not built: CI cannot reach NuGet (CONTRIBUTING.md).
  publishToPypi: { distName: 'cdk-irsa', module: 'cdk_irsa' },
  publishToMaven: {
    javaPackage: `io.github.${OWNER}.cdkirsa`,
    mavenGroupId: `io.github.${OWNER}`,
    mavenArtifactId: REPOSITORY,
  },
  publishToGo: { moduleName: `github.com/${OWNER}/${REPOSITORY}-go` },

  // `cdk-irsa verify` decodes and checks JWTs; jsii needs runtime dependencies bundled. 5.x still ships CommonJS.
  bundledDeps: ['jose@^5.9.5'],
  // Their types are part of our public API, so jsii wants them as peers.
  peerDeps: ['cdk8s@^2.70.0', 'cdk8s-plus-27@^2.9.5'],
  // projen would pin each peer's floor as the dev dependency; aws-cdk-lib's floor is lower than what the tests use
  // (see cdkVersion), so the pins are spelled out.
  peerDependencyOptions: { pinnedDevDependency: false },
  devDeps: [
    'aws-cdk-lib@2.276.0',
    'cdk8s@2.70.0',
    'cdk8s-plus-27@2.9.5',
    '@mrgrain/jsii-struct-builder',
    'aws-cdk@^2',
    // What the README's fresh app runs its app.ts with (test/front-page.test.ts runs each quick start so).
    'tsx@^4',
    // 4.x is the last CommonJS line; 5.x is ESM-only and does not load under ts-jest.
    'kubernetes-models@^4.5.1',
    'yaml@^2',
    // The offline IRSA lab: the real AWS SDK v3 web-identity path, a TLS issuer, an independent policy evaluator.
    '@aws-sdk/client-sts@^3',
    '@aws-sdk/credential-providers@^3',
    'selfsigned@^5',
    'pbac@^0.3.2',
    // Property-based tests of construct input.
    'fast-check@^4',
  ],

  // Lint must fail in CI, not quietly rewrite the checkout.
  eslintOptions: {
    dirs: ['src'],
    // Development code may import dev dependencies.
    devdirs: ['test', 'build-tools', 'examples', 'lab', 'bench'],
    commandOptions: { fix: false },
  },
  jestOptions: {
    // Snapshots must fail on mismatch, never be rewritten by the test task.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      // Every test file gets a directory root that is removed after it (test/support/test-directory.ts).
      setupFilesAfterEnv: ['<rootDir>/test/support/test-directory.ts'],
      // Jest's own cache stays out of the temp directory, which a run must leave as it found it.
      cacheDirectory: '<rootDir>/node_modules/.cache/jest',
      // Jest's default (cores - 1) runs every file in its main process on a 2-core machine: 254 s there against
      // 105 s with a worker per core.
      maxWorkers: '100%',
      // The real-Kubernetes tests need Go and run on their own (test:kube, test/kube/jest.config.json).
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/kube/'],
    },
  },
  gitignore: [
    'cdk.out/', 'examples/cdk.out/', 'examples/self-managed/cdk.out/', 'examples/cross-account/cdk.out/', '.jsii.tabl.json', 'bench/.build/', 'bench/results.json',
    // test/languages/run.sh: virtual environments, Maven's output and local repository, Python caches.
    '.venv/', 'test/languages/java/target/', '__pycache__/',
  ],
});

// awscdk replaces a constructs dev dependency given in the options with its peer, so this pin comes after.
project.addDevDeps('constructs@10.5.1');

// The role options are every iam.RoleProps field except those that cannot work for a web-identity role:
// `assumedBy` is generated from the ServiceAccount, and `externalIds`/`externalId` add an `sts:ExternalId`
// condition that AssumeRoleWithWebIdentity never carries, so the role could never be assumed.
new ProjenStruct(project, { name: 'IrsaRoleOptions', filePath: 'src/irsa-role-options.ts' })
  .mixin(Struct.fromFqn('aws-cdk-lib.aws_iam.RoleProps'))
  .omit('assumedBy', 'externalIds', 'externalId')
  .update('roleName', {
    docs: {
      summary: 'A name for the IAM role.',
      remarks:
        'The default is derived from the construct path (and the region when it is known), so the role ARN\n' +
        'is known at synth time and can be written into the ServiceAccount manifest. Changing it replaces the role.',
      default: '- a deterministic name derived from the construct path',
    },
  });

// `npx cdk-irsa verify`: explains offline which ServiceAccount tokens can assume which roles.
project.addBins({ 'cdk-irsa': 'lib/verify/cli.js' });

// The example app, the offline IRSA lab and the benchmark are development tools, not part of the package.
project.addPackageIgnore('/examples/');
project.addPackageIgnore('/lab/');
project.addPackageIgnore('/bench/');
project.addPackageIgnore('/.ci/');
project.addPackageIgnore('/tools/');
project.addPackageIgnore('/rosetta/');
project.addPackageIgnore('/scratch/');

// The README's main job: synthesize the example app (no AWS credentials needed), show its manifest, and prove
// offline that only its ServiceAccount's pods can assume its role.
project.addTask('demo', {
  description: 'Synthesize the example apps, then run the offline assume-role check against them',
  steps: [
    { exec: 'cdk synth --quiet', cwd: 'examples' },
    { exec: 'cdk synth --quiet', cwd: 'examples/cross-account' },
    { exec: 'cat examples/cdk.out/*.k8s.yaml' },
    { exec: 'ts-node --transpile-only lab/demo.ts' },
  ],
});

// The lab's real Kubernetes control plane (kube-apiserver, kube-controller-manager, etcd and the pod identity
// webhook, built from the pinned Go modules in lab/kube): `npm run lab:kube -- --kubeconfig <file>` runs it until
// SIGINT or SIGTERM; `npm run demo:kube` proves the example app on it; `npm run test:kube` is its test suite.
project.addTask('lab:kube', {
  description: 'Build (once) and run a real Kubernetes control plane with the pod identity webhook on loopback',
  exec: 'ts-node --transpile-only lab/kube/lab-kube.ts',
  receiveArgs: true,
});
project.addTask('demo:kube', {
  description: 'Synthesize the example app, then prove its manifests, tokens and webhook rows on the real API server',
  steps: [
    { exec: 'cdk synth --quiet', cwd: 'examples' },
    { exec: 'ts-node --transpile-only lab/kube/demo-kube.ts' },
  ],
});
project.addTask('test:kube', {
  description: 'The tests that run on the real control plane (needs Go 1.26; builds it once)',
  exec: '.ci/leaves-no-temp-files jest --config test/kube/jest.config.json --runInBand --ci',
  receiveArgs: true,
});

// Synth time, memory and CloudFormation footprint of N ServiceAccounts: cdk-irsa against aws-eks and a bare-roles
// floor, each in fresh processes (see bench/run.ts). tsc compiles the children so no loader hooks skew the timings.
project.addTask('bench', {
  description: 'Benchmark synth time, peak RSS and resources per ServiceAccount against aws-eks (writes bench/results.json)',
  steps: [
    { exec: 'tsc -p bench/tsconfig.json' },
    { exec: 'node bench/.build/bench/run.js', receiveArgs: true },
  ],
});

// Snapshots are updated deliberately (`npx jest --updateSnapshot`), never by a task.
project.tasks.removeTask('test:update');

// Tests leave nothing behind: jest runs with TMPDIR pointed at an empty directory, and the task fails when anything
// is left in it (.ci/leaves-no-temp-files).
project.testTask.reset();
project.testTask.exec('.ci/leaves-no-temp-files jest --passWithNoTests --ci', { receiveArgs: true });
project.testTask.spawn(project.eslint!.eslintTask);

// The IrsaChecks rule table in docs/security-and-audit.md and in the IrsaChecks doc comment, made from src/checks/rule-pack.ts
// (test/checks/rule-pack.test.ts fails when they are out of step).
project.addTask('rule-docs', {
  description: 'Rewrite the IrsaChecks rule table in docs/security-and-audit.md and src/irsa-checks.ts from the rule pack',
  exec: 'ts-node --project projenrc/tsconfig.json projenrc/rule-docs.ts',
});

// The add-on preset table in docs/addons-and-helm.md, made from the presets (test/irsa-addon.test.ts fails when it is out of step).
project.addTask('addon-docs', {
  description: 'Rewrite the add-on preset table in docs/addons-and-helm.md from the presets',
  exec: 'ts-node --project projenrc/tsconfig.json projenrc/addon-docs.ts',
});

// What CI runs (and the README's test command): the jsii build, jest, eslint, packaging, a check that the
// committed API.md and generated files are what the build produces, then the other languages (below), then the
// tests on the real control plane. CI=true
// makes `package` build only the JS target; check:languages builds the others.
project.addTask('check', {
  description: 'Build, test, lint and package as CI does, fail if generated files differ from the commit, then check:languages',
  env: { CI: 'true' },
  steps: [
    // The control plane's cold build takes minutes; it starts now, under nice, and test:kube waits for it.
    { name: 'lab:kube build in the background', exec: 'ts-node --transpile-only lab/kube/go-build.ts --detach' },
    { spawn: 'build' },
    // Compiles every TypeScript snippet of the README and API.md against the built package (fixtures in rosetta/).
    { name: 'README snippets compile', exec: 'bash rosetta/extract.sh' },
    { name: 'bench type-checks', exec: 'tsc -p bench/tsconfig.json --noEmit' },
    // ts-jest only transpiles (isolatedModules), so a test could pass with types that do not fit.
    { name: 'tests and lab type-check', exec: 'tsc -p test/tsconfig.json --noEmit && tsc -p lab/tsconfig.json --noEmit' },
    {
      name: 'generated files are committed',
      exec: 'git diff --exit-code -- API.md src/irsa-role-options.ts package.json .projen .github || ' +
        '(echo "Generated files differ from the commit: run npx projen build and commit the result." && exit 1)',
    },
    { spawn: 'check:languages' },
    { spawn: 'test:kube' },
  ],
});

// Maven Central does not serve cdk8s-plus-27 here, nor the Go module proxy cdk8s and cdk8s-plus-27. jsii-pacmak builds
// their bindings from the npm packages into node_modules/<package>/dist/<language>, where it finds them when it
// builds cdk-irsa (and the language apps name them). Each build starts from an empty dist/: the package it packs
// holds its dist/, so bindings of an earlier run (or of the other language) would go into every new jar and module,
// which then grow on each run until npm cannot pack them.
const cleanDist = (packages: string[]) => `rm -rf ${packages.map(p => `node_modules/${p}/dist`).join(' ')}`;
project.tasks.tryFind('package:java')!.prependExec('jsii-pacmak node_modules/cdk8s-plus-27 --target java --no-npmignore');
project.tasks.tryFind('package:java')!.prependExec(cleanDist(['cdk8s-plus-27']));
project.tasks.tryFind('package:go')!.prependExec('jsii-pacmak node_modules/cdk8s node_modules/cdk8s-plus-27 --target go --no-npmignore');
project.tasks.tryFind('package:go')!.prependExec(cleanDist(['cdk8s', 'cdk8s-plus-27']));

// The Python, Java and Go packages, each used by a CDK app in its language (test/languages/<language>), cfn-lint
// over every synthesized template, and src type-checked against the aws-cdk-lib floor. Prints each part's time.
project.addTask('check:languages', {
  description: 'Build the Python, Java and Go packages, run a CDK app in each language, lint every template with cfn-lint',
  steps: [{ exec: 'bash test/languages/run.sh', receiveArgs: true }],
});

// Pull requests (and main) run exactly what CI runs: `.ci/run`, with the tool versions it is tested with.
const ci = project.github!.addWorkflow('ci');
ci.on({ pullRequest: {}, push: { branches: ['main'] }, workflowDispatch: {} });
ci.addJobs({
  check: {
    name: '.ci/run',
    runsOn: ['ubuntu-latest'],
    permissions: { contents: JobPermission.READ },
    timeoutMinutes: 90,
    steps: [
      { name: 'Checkout', uses: 'actions/checkout@v4' },
      { name: 'Node.js', uses: 'actions/setup-node@v4', with: { 'node-version': CI_VERSIONS.node } },
      { name: 'Python', uses: 'actions/setup-python@v5', with: { 'python-version': CI_VERSIONS.python } },
      { name: 'Java', uses: 'actions/setup-java@v4', with: { 'distribution': 'temurin', 'java-version': CI_VERSIONS.java } },
      { name: 'Go', uses: 'actions/setup-go@v5', with: { 'go-version': CI_VERSIONS.go } },
      { name: 'Check', run: '.ci/run' },
    ],
  },
});

// The generated workflows are linted here, so a broken one fails CI rather than the first release: actionlint from
// its Go module at the version tools/actionlint/go.mod pins, built under nice (Go's build cache keeps it).
project.addTask('lint:workflows', {
  description: 'Lint the GitHub workflows with actionlint (tools/actionlint/go.mod pins its version)',
  exec: 'cd tools/actionlint && nice go build -o ../../node_modules/.cache/actionlint github.com/rhysd/actionlint/cmd/actionlint && ' +
    'cd ../.. && node_modules/.cache/actionlint -no-color .github/workflows/*.yml',
});
project.tasks.tryFind('check')!.spawn(project.tasks.tryFind('lint:workflows')!);

project.synth();
