// Only the parts of ECharts the dashboard uses, so the chunk stays small (tree-shaken).
import { use, init } from 'echarts/core';
import { BarChart, LineChart, GraphChart } from 'echarts/charts';
import { GridComponent, TooltipComponent, LegendComponent, MarkLineComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';

use([BarChart, LineChart, GraphChart, GridComponent, TooltipComponent, LegendComponent, MarkLineComponent, SVGRenderer]);
export { init };
