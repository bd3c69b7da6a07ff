import { z } from 'zod';

export const healthCheckInputSchema = z.strictObject({
  /** Who asked (a schedule, the CLI, npm run dev): logged, and returned with the report. */
  requestedBy: z.string().min(1, 'must name who asked'),
});

export type HealthCheckInput = z.infer<typeof healthCheckInputSchema>;
