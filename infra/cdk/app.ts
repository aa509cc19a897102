/**
 * The CDK app (cdk.json: `npx tsx infra/cdk/app.ts`). cdk-nag AwsSolutions runs as a validation
 * plugin: any unacknowledged finding, error or warning, fails `cdk synth`. Settings: stegvis-app.ts.
 */
import { createStegvisApp } from './stegvis-app.ts';

createStegvisApp().app.synth();
