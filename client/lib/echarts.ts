/** ECharts through echarts/core: only the charts and components the screens draw. */
import * as echarts from 'echarts/core';
import { BarChart, LineChart, MapChart } from 'echarts/charts';
import type { BarSeriesOption, LineSeriesOption, MapSeriesOption } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import type { GridComponentOption, TooltipComponentOption } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([MapChart, LineChart, BarChart, GridComponent, TooltipComponent, CanvasRenderer]);

export type ECOption = echarts.ComposeOption<
  MapSeriesOption | LineSeriesOption | BarSeriesOption | GridComponentOption | TooltipComponentOption
>;
export type ECharts = echarts.ECharts;
export { echarts };
