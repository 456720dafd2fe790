// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AddonFixture} from "../AddonFixture.sol";
import {CheckpointedKeelToken} from "../mocks/CheckpointedKeelToken.sol";
import {KeelVault} from "../../../src/addons/vault/KeelVault.sol";
import {KeelVaultFactory} from "../../../src/addons/vault/KeelVaultFactory.sol";
import {FixedYieldSchedule} from "../../../src/addons/distribution/FixedYieldSchedule.sol";
import {SnapshotDistribution} from "../../../src/addons/distribution/SnapshotDistribution.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";

contract KeelVaultTest is AddonFixture {
    KeelVaultFactory internal factory;
    KeelVault internal vault;
    uint256[3] internal keys = [uint256(0xA11), 0xB22, 0xC33];
    address[3] internal signerAddrs;
    address internal identity = makeAddr("vault-identity");

    function setUp() public override {
        super.setUp();
        factory = new KeelVaultFactory();
        for (uint256 i; i < 3; ++i) signerAddrs[i] = vm.addr(keys[i]);
        address[] memory s = new address[](3);
        for (uint256 i; i < 3; ++i) s[i] = signerAddrs[i];
        vault = factory.create(s, 2, identity);
        usdc.mint(address(vault), 1_000_000e6);
    }

    /// Signatures of the given key indexes over `digest`, sorted by signer address.
    function _sign(bytes32 digest, uint256[] memory idx) internal view returns (KeelVault.Signature[] memory sigs) {
        sigs = new KeelVault.Signature[](idx.length);
        for (uint256 i; i < idx.length; ++i) {
            (uint8 v, bytes32 r, bytes32 s) = vm.sign(keys[idx[i]], digest);
            sigs[i] = KeelVault.Signature(signerAddrs[idx[i]], abi.encodePacked(r, s, v));
        }
        for (uint256 i; i < sigs.length; ++i) {
            for (uint256 j = i + 1; j < sigs.length; ++j) {
                if (sigs[j].signer < sigs[i].signer) (sigs[i], sigs[j]) = (sigs[j], sigs[i]);
            }
        }
    }

    function _two() internal pure returns (uint256[] memory idx) {
        idx = new uint256[](2);
        idx[0] = 0;
        idx[1] = 2;
    }

    function _exec(address to, bytes memory data, uint256[] memory idx) internal returns (bytes memory) {
        uint256 deadline = block.timestamp + 1 hours;
        bytes32 d = vault.executeDigest(to, 0, data, vault.nonce(), deadline);
        return vault.execute(to, 0, data, deadline, _sign(d, idx));
    }

    function test_setup() public view {
        assertTrue(factory.isVault(address(vault)));
        assertEq(vault.threshold(), 2);
        assertEq(vault.signers().length, 3);
        assertEq(vault.onchainID(), identity);
    }

    function test_execute_twoOfThree() public {
        _exec(address(usdc), abi.encodeCall(IERC20.transfer, (alice, 100e6)), _two());
        assertEq(usdc.balanceOf(alice), 100e6);
        assertEq(vault.nonce(), 1);
    }

    function test_execute_oneSignatureReverts() public {
        uint256[] memory idx = new uint256[](1);
        bytes memory data = abi.encodeCall(IERC20.transfer, (alice, 1));
        bytes32 d = vault.executeDigest(address(usdc), 0, data, 0, block.timestamp);
        KeelVault.Signature[] memory sigs = _sign(d, idx);
        vm.expectRevert(abi.encodeWithSelector(KeelVault.NotEnoughSignatures.selector, 1, 2));
        vault.execute(address(usdc), 0, data, block.timestamp, sigs);
    }

    function test_execute_duplicateSignerReverts() public {
        uint256[] memory idx = new uint256[](2);
        bytes memory data = abi.encodeCall(IERC20.transfer, (alice, 1));
        bytes32 d = vault.executeDigest(address(usdc), 0, data, 0, block.timestamp);
        KeelVault.Signature[] memory sigs = _sign(d, idx); // key 0 twice
        vm.expectRevert(abi.encodeWithSelector(KeelVault.SignersNotAscending.selector, 1));
        vault.execute(address(usdc), 0, data, block.timestamp, sigs);
    }

    function test_execute_nonSignerReverts() public {
        bytes memory data = abi.encodeCall(IERC20.transfer, (alice, 1));
        bytes32 d = vault.executeDigest(address(usdc), 0, data, 0, block.timestamp);
        KeelVault.Signature[] memory sigs = _sign(d, _two());
        uint256 pk = 0xDEAD;
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(pk, d);
        sigs[1] = KeelVault.Signature(vm.addr(pk), abi.encodePacked(r, s, v));
        if (sigs[1].signer < sigs[0].signer) (sigs[0], sigs[1]) = (sigs[1], sigs[0]);
        vm.expectRevert(abi.encodeWithSelector(KeelVault.NotASigner.selector, vm.addr(pk)));
        vault.execute(address(usdc), 0, data, block.timestamp, sigs);
    }

    function test_execute_signatureForOtherCallReverts() public {
        bytes memory data = abi.encodeCall(IERC20.transfer, (alice, 1));
        bytes32 d = vault.executeDigest(address(usdc), 0, abi.encodeCall(IERC20.transfer, (bob, 1)), 0, block.timestamp);
        KeelVault.Signature[] memory sigs = _sign(d, _two());
        vm.expectRevert(abi.encodeWithSelector(KeelVault.BadSignature.selector, sigs[0].signer));
        vault.execute(address(usdc), 0, data, block.timestamp, sigs);
    }

    function test_execute_replayReverts() public {
        bytes memory data = abi.encodeCall(IERC20.transfer, (alice, 1));
        uint256 deadline = block.timestamp + 1;
        KeelVault.Signature[] memory sigs = _sign(vault.executeDigest(address(usdc), 0, data, 0, deadline), _two());
        vault.execute(address(usdc), 0, data, deadline, sigs);
        vm.expectRevert(abi.encodeWithSelector(KeelVault.BadSignature.selector, sigs[0].signer));
        vault.execute(address(usdc), 0, data, deadline, sigs);
    }

    function test_execute_otherChainReverts() public {
        bytes memory data = abi.encodeCall(IERC20.transfer, (alice, 1));
        uint256 deadline = block.timestamp + 1;
        KeelVault.Signature[] memory sigs = _sign(vault.executeDigest(address(usdc), 0, data, 0, deadline), _two());
        vm.chainId(999);
        vm.expectRevert(abi.encodeWithSelector(KeelVault.BadSignature.selector, sigs[0].signer));
        vault.execute(address(usdc), 0, data, deadline, sigs);
    }

    function test_execute_expiredReverts() public {
        bytes memory data = abi.encodeCall(IERC20.transfer, (alice, 1));
        uint256 deadline = block.timestamp;
        KeelVault.Signature[] memory sigs = _sign(vault.executeDigest(address(usdc), 0, data, 0, deadline), _two());
        vm.warp(deadline + 1);
        vm.expectRevert(abi.encodeWithSelector(KeelVault.Expired.selector, deadline));
        vault.execute(address(usdc), 0, data, deadline, sigs);
    }

    function test_execute_failedCallReverts() public {
        bytes memory data = abi.encodeCall(IERC20.transfer, (alice, 10_000_000e6));
        uint256 deadline = block.timestamp;
        KeelVault.Signature[] memory sigs = _sign(vault.executeDigest(address(usdc), 0, data, 0, deadline), _two());
        vm.expectRevert();
        vault.execute(address(usdc), 0, data, deadline, sigs);
        assertEq(vault.nonce(), 0);
    }

    function test_execute_sendsEther() public {
        vm.deal(address(vault), 1 ether);
        uint256 deadline = block.timestamp;
        KeelVault.Signature[] memory sigs = _sign(vault.executeDigest(dave, 1 ether, "", 0, deadline), _two());
        vault.execute(dave, 1 ether, "", deadline, sigs);
        assertEq(dave.balance, 1 ether);
    }

    function test_governance_selfCallsOnly() public {
        vm.expectRevert(KeelVault.OnlyVault.selector);
        vault.addSigner(alice);
        vm.expectRevert(KeelVault.OnlyVault.selector);
        vault.changeThreshold(1);
        _exec(address(vault), abi.encodeCall(KeelVault.addSigner, (alice)), _two());
        assertTrue(vault.isSigner(alice));
        _exec(address(vault), abi.encodeCall(KeelVault.changeThreshold, (3)), _two());
        assertEq(vault.threshold(), 3);
        uint256[] memory all = new uint256[](3);
        all[1] = 1;
        all[2] = 2;
        _exec(address(vault), abi.encodeCall(KeelVault.removeSigner, (alice)), all);
        assertFalse(vault.isSigner(alice));
        _exec(address(vault), abi.encodeCall(KeelVault.setOnchainID, (bob)), all);
        assertEq(vault.onchainID(), bob);
    }

    function test_governance_cannotRemoveBelowThreshold() public {
        uint256[] memory idx = _two();
        _exec(address(vault), abi.encodeCall(KeelVault.changeThreshold, (3)), idx);
        uint256[] memory all = new uint256[](3);
        all[1] = 1;
        all[2] = 2;
        uint256 deadline = block.timestamp;
        bytes memory data = abi.encodeCall(KeelVault.removeSigner, (signerAddrs[0]));
        KeelVault.Signature[] memory sigs = _sign(vault.executeDigest(address(vault), 0, data, 1, deadline), all);
        vm.expectRevert(
            abi.encodeWithSelector(
                KeelVault.CallFailed.selector, abi.encodeWithSelector(KeelVault.InvalidThreshold.selector, 3, 2)
            )
        );
        vault.execute(address(vault), 0, data, deadline, sigs);
    }

    function test_constructor_validation() public {
        address[] memory s = new address[](2);
        s[0] = alice;
        s[1] = alice;
        vm.expectRevert(abi.encodeWithSelector(KeelVault.DuplicateSigner.selector, alice));
        new KeelVault(s, 1, address(0));
        s[1] = bob;
        vm.expectRevert(abi.encodeWithSelector(KeelVault.InvalidThreshold.selector, 3, 2));
        new KeelVault(s, 3, address(0));
        vm.expectRevert(abi.encodeWithSelector(KeelVault.InvalidThreshold.selector, 0, 2));
        new KeelVault(s, 0, address(0));
        s[1] = address(0);
        vm.expectRevert(abi.encodeWithSelector(KeelVault.InvalidSigner.selector, address(0)));
        new KeelVault(s, 1, address(0));
    }

    // ------------------------------------------------------------ ERC-1271

    function test_erc1271_validWithThreshold() public view {
        bytes32 hash = keccak256("order #42");
        KeelVault.Signature[] memory sigs = _sign(vault.messageDigest(hash), _two());
        assertEq(vault.isValidSignature(hash, abi.encode(sigs)), bytes4(0x1626ba7e));
        uint256[] memory one = new uint256[](1);
        assertEq(vault.isValidSignature(hash, abi.encode(_sign(vault.messageDigest(hash), one))), bytes4(0xffffffff));
        assertEq(vault.isValidSignature(keccak256("other"), abi.encode(sigs)), bytes4(0xffffffff));
    }

    function test_erc1271_vaultAsSignerOfAnotherVault() public {
        address[] memory s = new address[](1);
        s[0] = address(vault);
        KeelVault parent = new KeelVault(s, 1, address(0));
        usdc.mint(address(parent), 5e6);
        bytes memory data = abi.encodeCall(IERC20.transfer, (carol, 5e6));
        bytes32 d = parent.executeDigest(address(usdc), 0, data, 0, block.timestamp);
        KeelVault.Signature[] memory inner = _sign(vault.messageDigest(d), _two());
        KeelVault.Signature[] memory outer = new KeelVault.Signature[](1);
        outer[0] = KeelVault.Signature(address(vault), abi.encode(inner));
        parent.execute(address(usdc), 0, data, block.timestamp, outer);
        assertEq(usdc.balanceOf(carol), 5e6);
    }

    // ------------------------------------------------------------ as a treasury

    function test_vaultAsYieldTreasury() public {
        CheckpointedKeelToken bond = _newCheckpointedAsset("Bond", "B", 6);
        bond.mint(alice, 10e6);
        uint256 start = block.timestamp + 1;
        FixedYieldSchedule schedule = new FixedYieldSchedule(
            address(bond), address(usdc), start, start + 360 days, 500, 90 days, 1_000e6, address(vault), issuer
        );
        _exec(address(usdc), abi.encodeCall(IERC20.approve, (address(schedule), type(uint256).max)), _two());
        vm.warp(start + 90 days + 1);
        vm.prank(alice);
        uint256 paid = schedule.claim();
        assertGt(paid, 0);
        assertEq(usdc.balanceOf(alice), paid);
        assertEq(usdc.balanceOf(address(vault)), 1_000_000e6 - paid);
    }

    function test_vaultFundsDistribution() public {
        CheckpointedKeelToken eq = _newCheckpointedAsset("Eq", "E", 18);
        eq.mint(alice, 1e18);
        SnapshotDistribution d =
            new SnapshotDistribution(address(eq), address(usdc), block.timestamp + 1, 500e6, block.timestamp + 10 days, issuer);
        _exec(address(usdc), abi.encodeCall(IERC20.approve, (address(d), 500e6)), _two());
        _exec(address(d), abi.encodeCall(SnapshotDistribution.fund, ()), _two());
        vm.warp(block.timestamp + 2);
        d.claim(alice);
        assertEq(usdc.balanceOf(alice), 500e6);
    }

    function test_vaultHoldsKeelAssetWithItsIdentity() public {
        registry.register(address(vault), US);
        token.mint(address(vault), 5e6);
        _exec(address(token), abi.encodeCall(IERC20.transfer, (bob, 5e6)), _two());
        assertEq(token.balanceOf(bob), 5e6);
    }

    function test_reentrancy_executeCannotNest() public {
        // a signed call whose target calls execute again during the call
        uint256 deadline = block.timestamp + 1;
        bytes memory inner = abi.encodeCall(IERC20.transfer, (alice, 1));
        KeelVault.Signature[] memory innerSigs = _sign(vault.executeDigest(address(usdc), 0, inner, 1, deadline), _two());
        bytes memory reenter = abi.encodeCall(KeelVault.execute, (address(usdc), 0, inner, deadline, innerSigs));
        KeelVault.Signature[] memory sigs = _sign(vault.executeDigest(address(vault), 0, reenter, 0, deadline), _two());
        vm.expectRevert(
            abi.encodeWithSelector(
                KeelVault.CallFailed.selector, abi.encodeWithSelector(ReentrancyGuard.ReentrancyGuardReentrantCall.selector)
            )
        );
        vault.execute(address(vault), 0, reenter, deadline, sigs);
    }

    function testFuzz_thresholdEnforced(uint8 m, uint8 given) public {
        m = uint8(bound(m, 1, 3));
        given = uint8(bound(given, 0, 3));
        address[] memory s = new address[](3);
        for (uint256 i; i < 3; ++i) s[i] = signerAddrs[i];
        KeelVault v = new KeelVault(s, m, address(0));
        usdc.mint(address(v), 1);
        uint256[] memory idx = new uint256[](given);
        for (uint256 i; i < given; ++i) idx[i] = i;
        bytes memory data = abi.encodeCall(IERC20.transfer, (alice, 1));
        KeelVault.Signature[] memory sigs = _sign(v.executeDigest(address(usdc), 0, data, 0, block.timestamp), idx);
        if (given < m) vm.expectRevert(abi.encodeWithSelector(KeelVault.NotEnoughSignatures.selector, given, m));
        v.execute(address(usdc), 0, data, block.timestamp, sigs);
        assertEq(usdc.balanceOf(alice), given < m ? 0 : 1);
    }
}
