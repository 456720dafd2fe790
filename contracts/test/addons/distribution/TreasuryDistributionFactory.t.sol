// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AddonFixture} from "../AddonFixture.sol";
import {CheckpointedKeelToken} from "../mocks/CheckpointedKeelToken.sol";
import {TreasuryDistributionFactory} from "../../../src/addons/distribution/TreasuryDistributionFactory.sol";
import {FixedYieldSchedule} from "../../../src/addons/distribution/FixedYieldSchedule.sol";
import {SnapshotDistribution} from "../../../src/addons/distribution/SnapshotDistribution.sol";
import {BondRedemption} from "../../../src/addons/distribution/BondRedemption.sol";

contract TreasuryDistributionFactoryTest is AddonFixture {
    TreasuryDistributionFactory internal factory;
    CheckpointedKeelToken internal bond;

    function setUp() public override {
        super.setUp();
        factory = new TreasuryDistributionFactory();
        bond = _newCheckpointedAsset("Bond", "B", 6);
    }

    function test_createsEachKindOwnedByCaller() public {
        vm.startPrank(issuer);
        FixedYieldSchedule y = factory.createYieldSchedule(
            TreasuryDistributionFactory.YieldParams({
                token: address(bond),
                denominationAsset: address(usdc),
                startDate: block.timestamp,
                endDate: block.timestamp + 365 days,
                rateBps: 400,
                interval: 30 days,
                faceValue: 1_000e6,
                treasury: address(0)
            })
        );
        SnapshotDistribution d = factory.createDistribution(address(bond), address(usdc), block.timestamp + 1, 1e6, block.timestamp + 2);
        BondRedemption r = factory.createBondRedemption(address(bond), address(usdc), 1_000e6, block.timestamp + 365 days);
        vm.stopPrank();
        assertEq(y.owner(), issuer);
        assertEq(y.treasury(), address(y));
        assertEq(d.owner(), issuer);
        assertEq(r.owner(), issuer);
        assertTrue(factory.isDistribution(address(y)));
        assertTrue(factory.isDistribution(address(d)));
        assertTrue(factory.isDistribution(address(r)));
    }

    function test_invalidParamsRevert() public {
        vm.expectRevert(FixedYieldSchedule.InvalidSchedule.selector);
        factory.createYieldSchedule(
            TreasuryDistributionFactory.YieldParams(address(bond), address(usdc), 10, 10, 400, 30 days, 1, address(0))
        );
        vm.expectRevert(BondRedemption.InvalidConfig.selector);
        factory.createBondRedemption(address(bond), address(usdc), 0, 1);
    }
}
